import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';

/**
 * The key guarantee of the wasm fixes: a small LSTM language model (embedding gather, one
 * fused-gate matmul over [x; h], sigmoid/tanh gates, softmax cross-entropy) trains on wasm
 * to the same losses, gradients and weights as on cpu, from identical initial values.
 */
const vocabSize = 11;
const inputSize = 6;
const hiddenSize = 8;
const batchSize = 4;
const sequenceLength = 5;
const steps = 4;

/** Largest difference allowed, relative to the largest magnitude in the compared tensor. */
const RELATIVE_TOLERANCE = 1e-4;

type WeightName = 'embedding' | 'kernel' | 'bias' | 'outKernel' | 'outBias';
const weightShapes: Record<WeightName, number[]> = {
  embedding: [vocabSize, inputSize],
  kernel: [inputSize + hiddenSize, 4 * hiddenSize],
  bias: [4 * hiddenSize],
  outKernel: [hiddenSize, vocabSize],
  outBias: [vocabSize],
};

/** Seeded values, drawn once (tfjs draws seeded randoms in JS, the same on any backend). */
function fixtures() {
  return tf.tidy(() => {
    const names = Object.keys(weightShapes) as WeightName[];
    const initial = names.map((name, index) => {
      const draw = tf.randomNormal(weightShapes[name], 0, 0.5, 'float32', 100 + index);
      return [name, draw.dataSync() as Float32Array] as const;
    });
    const tokenShape = [batchSize, sequenceLength + 1];
    const tokens = tf.randomUniform(tokenShape, 0, vocabSize, 'int32', 7).arraySync() as number[][];
    return { initial: Object.fromEntries(initial) as Record<WeightName, Float32Array>, tokens };
  });
}

/** Mean next-token cross-entropy of the LSTM over the sequence. */
function lstmLoss(weights: Record<WeightName, tf.Variable>, tokens: number[][]): tf.Scalar {
  let hidden: tf.Tensor = tf.zeros([batchSize, hiddenSize]);
  let cell: tf.Tensor = tf.zeros([batchSize, hiddenSize]);
  const losses: tf.Scalar[] = [];
  for (let step = 0; step < sequenceLength; step++) {
    const ids = tf.tensor1d(
      tokens.map((row) => row[step] ?? 0),
      'int32',
    );
    const targets = tf.tensor1d(
      tokens.map((row) => row[step + 1] ?? 0),
      'int32',
    );
    const input = tf.gather(weights.embedding, ids);
    // One matmul for all four gates over [x; h], as the cells package does.
    const gates = tf.add(tf.matMul(tf.concat([input, hidden], 1), weights.kernel), weights.bias);
    const [inGate, forgetGate, candidate, outGate] = tf.split(gates, 4, 1) as tf.Tensor[];
    cell = tf.add(
      tf.mul(tf.sigmoid(forgetGate as tf.Tensor), cell),
      tf.mul(tf.sigmoid(inGate as tf.Tensor), tf.tanh(candidate as tf.Tensor)),
    );
    hidden = tf.mul(tf.sigmoid(outGate as tf.Tensor), tf.tanh(cell));
    const logits = tf.add(tf.matMul(hidden, weights.outKernel), weights.outBias);
    losses.push(tf.losses.softmaxCrossEntropy(tf.oneHot(targets, vocabSize), logits));
  }
  return tf.mean(tf.stack(losses)) as tf.Scalar;
}

interface Trace {
  readonly losses: number[];
  readonly gradients: Record<string, Float32Array>[];
  readonly finalWeights: Record<string, Float32Array>;
  readonly leaked: number;
}

/** A few Adam steps on `backend`, recording losses, gradients and final weights. */
async function train(backend: string, data: ReturnType<typeof fixtures>): Promise<Trace> {
  await tf.setBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const names = Object.keys(weightShapes) as WeightName[];
  const weights = Object.fromEntries(
    // tidy frees the initial-value tensor; it never disposes variables.
    names.map((name) => [
      name,
      tf.tidy(() => tf.variable(tf.tensor(data.initial[name], weightShapes[name]))),
    ]),
  ) as Record<WeightName, tf.Variable>;
  const optimizer = tf.train.adam(0.05);
  const trace: Trace = { losses: [], gradients: [], finalWeights: {}, leaked: 0 };
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(() => lstmLoss(weights, data.tokens));
    trace.losses.push(value.dataSync()[0] ?? Number.NaN);
    trace.gradients.push(
      Object.fromEntries(names.map((name) => [name, readGradient(grads, weights[name])])),
    );
    optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    tf.dispose([value, ...Object.values(grads)]);
  }
  for (const name of names) trace.finalWeights[name] = weights[name].dataSync() as Float32Array;
  optimizer.dispose();
  tf.dispose(Object.values(weights));
  return { ...trace, leaked: tf.memory().numTensors - tensorsBefore };
}

function readGradient(grads: tf.NamedTensorMap, variable: tf.Variable): Float32Array {
  const gradient = grads[variable.name];
  if (gradient === undefined) throw new Error(`no gradient for ${variable.name}`);
  return gradient.dataSync() as Float32Array;
}

/** max |actual − expected| / max |expected|, the tensor-wide relative error. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let difference = 0;
  let scale = 0;
  expected.forEach((reference, index) => {
    difference = Math.max(difference, Math.abs((actual[index] ?? Number.NaN) - reference));
    scale = Math.max(scale, Math.abs(reference));
  });
  return difference / Math.max(scale, Number.MIN_VALUE);
}

describe('training on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches cpu: losses, gradients and weights of an LSTM under Adam', async () => {
    const data = fixtures();
    const cpu = await train('cpu', data);
    const wasm = await train('wasm', data);
    // Training does something: the loss falls on both.
    expect(cpu.losses.at(-1)).toBeLessThan(cpu.losses[0] ?? 0);
    cpu.losses.forEach((loss, step) => {
      const wasmLoss = wasm.losses[step] ?? Number.NaN;
      expect(Math.abs(wasmLoss - loss) / loss).toBeLessThan(RELATIVE_TOLERANCE);
    });
    cpu.gradients.forEach((gradients, step) => {
      for (const [name, expected] of Object.entries(gradients)) {
        const actual = wasm.gradients[step]?.[name] ?? new Float32Array();
        expect(relativeError(actual, expected), `${name} at step ${step}`).toBeLessThan(
          RELATIVE_TOLERANCE,
        );
      }
    });
    for (const [name, expected] of Object.entries(cpu.finalWeights)) {
      const actual = wasm.finalWeights[name] ?? new Float32Array();
      expect(relativeError(actual, expected), name).toBeLessThan(RELATIVE_TOLERANCE);
    }
    expect([cpu.leaked, wasm.leaked]).toEqual([0, 0]);
  });
});
