// The user's fast-weights memory (Ba et al. 2016) inside the library: driving its
// memory-augmented cell, as a language model's cell through a CellFactory, and learning a
// recall task its controller alone cannot.
import { createLstmCell, createVanillaRnnCell } from '@bayesrnn/cells';
import { createKey, disposeTree, initWeights, uniform, zeros } from '@bayesrnn/core';
import { createGtmm, gtmmNoise } from '@bayesrnn/gtmm';
import {
  createLanguageModel,
  createMemoryAugmentedCell,
  DEFAULT_LANGUAGE_MODEL_CONFIG,
  disposeLmWindow,
  INTERFACE_KERNEL,
  layerWeightName,
} from '@bayesrnn/models';
import type { Cell, NamedTensorTree, Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createFastWeightsMemory, type FastWeightsState } from './fast-weights-memory.js';

checkLeaksAfterEachTest();

/** Every number in `tensor` is finite. */
function allFinite(tensor: tf.Tensor): boolean {
  return Array.from(tensor.dataSync()).every(Number.isFinite);
}

describe('fast-weights memory in the library', () => {
  const wordSize = 3;
  const memory = createFastWeightsMemory({ wordSize });

  it('drives a memory-augmented cell: shapes, finite values, no leaks', () => {
    const [batchSize, inputSize, hiddenSize] = [2, 4, 5];
    const cell = createMemoryAugmentedCell({
      inputSize,
      memory,
      controller: createLstmCell({ inputSize: inputSize + wordSize, hiddenSize }),
    });
    expect(cell.outputSize).toBe(hiddenSize + wordSize);
    expect(cell.weightSpecs[INTERFACE_KERNEL]?.shape).toEqual([hiddenSize, 2 * wordSize]);
    const weights = initWeights(cell.weightSpecs, createKey(4));
    tf.tidy(() => {
      const window = cell.startWindow({ key: createKey(5), batchSize, training: false });
      let state = cell.initialState(batchSize);
      for (let t = 0; t < 4; t += 1) {
        const input = tf.randomNormal([batchSize, inputSize], 0, 1, 'float32', 10 + t);
        const result = cell.step(weights, input as tf.Tensor2D, state, window);
        expect(result.output.shape).toEqual([batchSize, hiddenSize + wordSize]);
        expect(allFinite(result.output)).toBe(true);
        state = result.state;
      }
      const matrix = (state.memory as FastWeightsState).matrix;
      expect(matrix.shape).toEqual([batchSize, wordSize, wordSize]);
      // Four writes of tanh-bounded vectors: |A_ij| ≤ η Σ λ^k < η / (1 − λ).
      expect(tf.max(tf.abs(matrix)).dataSync()[0]).toBeLessThan(0.5 * 4);
      expect(tf.max(tf.abs(matrix)).dataSync()[0]).toBeGreaterThan(0);
      expect(state.readVector.shape).toEqual([batchSize, wordSize]);
    });
    // One step outside any tidy: once its output and state are disposed, nothing is left.
    const input = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
    const initial = cell.initialState(batchSize);
    const result = cell.step(weights, input, initial, undefined);
    disposeTree([input, initial, result.output, result.state]);
    disposeTree(Object.values(weights));
  });

  it('runs in a language model through a CellFactory, with finite gradients', () => {
    const lm = createLanguageModel({
      ...DEFAULT_LANGUAGE_MODEL_CONFIG,
      vocabSize: 7,
      embeddingSize: 4,
      hiddenSize: 6,
      layers: 2,
      initScale: 0.3,
      // The cell outputs [h; r], hiddenSize + wordSize columns: the model sizes the next
      // layer and the softmax from the cell's outputSize.
      cell: (options) =>
        createMemoryAugmentedCell({
          inputSize: options.inputSize,
          memory,
          controller: createLstmCell({
            inputSize: options.inputSize + wordSize,
            hiddenSize: options.hiddenSize,
            init: uniform(options.initScale),
            forgetBias: options.forgetBias,
          }),
        }),
    });
    const weights: Weights = initWeights(lm.weightSpecs, createKey(6));
    const inputs = tf.tensor2d([1, 4, 6, 2, 0, 3, 3, 5], [2, 4], 'int32');
    const targets = tf.tidy(() => tf.oneHot(tf.tensor1d([4, 6, 2, 0, 3, 3, 5, 1], 'int32'), 7));
    const names = Object.keys(weights);
    const loss = (...values: tf.Tensor[]): tf.Scalar => {
      const named = Object.fromEntries(names.map((name, i) => [name, values[i] as tf.Tensor]));
      const window = lm.startWindow({ key: createKey(7), batchSize: 2, steps: 4, training: false });
      const { logits, state } = lm.forward(named, inputs, lm.initialState(2), window);
      expect(logits.shape).toEqual([8, 7]);
      expect(allFinite(logits)).toBe(true);
      const layer = state.layers[1] as NamedTensorTree;
      expect(((layer.memory as FastWeightsState).matrix as tf.Tensor).shape).toEqual([2, 3, 3]);
      disposeLmWindow(window);
      return tf.losses.softmaxCrossEntropy(targets, logits);
    };
    const gradients = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(loss)(
        names.map((name) => weights[name] as tf.Tensor),
      );
      // Near log(7) at initialisation.
      expect(Math.abs((value.dataSync()[0] ?? 0) - Math.log(7))).toBeLessThan(0.5);
      return grads;
    });
    expect(names).toContain(layerWeightName(0, INTERFACE_KERNEL));
    expect(lm.cells.map((cell) => [cell.inputSize, cell.outputSize])).toEqual([
      [4, 9],
      [9, 9],
    ]);
    names.forEach((name, i) => {
      expect(allFinite(gradients[i] as tf.Tensor), name).toBe(true);
    });
    for (const layer of [0, 1]) {
      const index = names.indexOf(layerWeightName(layer, INTERFACE_KERNEL));
      const norm = tf.tidy(() => tf.norm(gradients[index] as tf.Tensor).dataSync()[0] ?? 0);
      expect(norm, `layer ${layer} interface kernel`).toBeGreaterThan(1e-6);
    }
    tf.dispose([...gradients, inputs, targets]);
    disposeTree(Object.values(weights));
  });
});

describe('fast-weights memory in a generative temporal model', () => {
  it('gives the GTMM (Gemici et al. 2017) a finite bound and gradients through the memory', () => {
    const [batchSize, steps, latentSize] = [2, 5, 4];
    const gtmm = createGtmm({
      frameSize: 9,
      latentSize,
      hiddenSize: 8,
      mlpSize: 8,
      memory: createFastWeightsMemory({ wordSize: 4 }),
    });
    const weights: Weights = initWeights(gtmm.weightSpecs, createKey(3));
    const frames = tf.tidy(() =>
      tf.cast(
        tf.greater(tf.randomUniform([batchSize, steps, 9], 0, 1, 'float32', 4), 0.5),
        'float32',
      ),
    ) as tf.Tensor3D;
    const noise = gtmmNoise(createKey(5), batchSize, steps, latentSize);
    const names = Object.keys(weights);
    const { value, grads } = tf.valueAndGrads((...tensors: tf.Tensor[]) =>
      tf.tidy(() => {
        const named = Object.fromEntries(names.map((name, i) => [name, tensors[i] as tf.Tensor]));
        const { nll, kl } = gtmm.run(named, frames, noise);
        return tf.mean(tf.add(nll, kl)) as tf.Scalar;
      }),
    )(names.map((name) => weights[name] as tf.Tensor));
    // 9 binary pixels at p ≈ ½ cost about 9 ln 2 = 6.2 nats a frame at initialisation.
    expect(value.dataSync()[0]).toBeGreaterThan(3);
    expect(value.dataSync()[0]).toBeLessThan(12);
    expect(grads.every(allFinite)).toBe(true);
    const interfaceGradient = grads[names.findIndex((name) => name.includes('interface'))];
    const norm = tf.tidy(() => tf.norm(interfaceGradient ?? tf.zeros([1])).dataSync()[0] ?? 0);
    expect(norm).toBeGreaterThan(0);
    tf.dispose([value, ...grads, frames, noise, ...Object.values(weights)]);
  });
});

describe('fast-weights memory: learning', () => {
  const [size, distractors, batchSize, wordSize, hiddenSize] = [3, 3, 32, 4, 8];
  const [seed, iterations, learningRate] = [11, 300, 0.01];

  /**
   * Recall after distractors: `[v; 1]` then `[noise; 0]` × distractors, v and the noise in
   * U[−1, 1]^size; the target is v. Inputs `[steps, batchSize, size + 1]`, target
   * `[batchSize, size]`.
   */
  function recallBatch(seed: number, sequences: number) {
    return tf.tidy(() => {
      const content = tf.randomUniform([1 + distractors, sequences, size], -1, 1, 'float32', seed);
      const flags = tf.concat([tf.ones([1, sequences, 1]), tf.zeros([distractors, sequences, 1])]);
      const target = tf.squeeze(tf.slice(content, [0], [1]), [0]) as tf.Tensor2D;
      return { inputs: tf.concat([content, flags], 2) as tf.Tensor3D, target };
    });
  }

  /** Trains `cell` and a linear readout of its last output with Adam; the held-out MSE. */
  function trainRecall(cell: Cell<string, NamedTensorTree, unknown>): number {
    const specs = {
      ...cell.weightSpecs,
      'readout/kernel': { shape: [cell.outputSize, size], init: uniform(0.3) },
      'readout/bias': { shape: [size], init: zeros() },
    };
    const initial = initWeights(specs, createKey(seed));
    const variables: Record<string, tf.Variable> = {};
    for (const [name, value] of Object.entries(initial)) {
      variables[name] = tf.variable(value);
    }
    disposeTree(Object.values(initial));
    const loss = (inputs: tf.Tensor3D, target: tf.Tensor2D): tf.Scalar => {
      const sequences = inputs.shape[1];
      const window = cell.startWindow({ key: createKey(0), batchSize: sequences, training: false });
      let state = cell.initialState(sequences);
      let output = tf.zeros([sequences, cell.outputSize]) as tf.Tensor2D;
      for (const input of tf.unstack(inputs) as tf.Tensor2D[]) {
        ({ output, state } = cell.step(variables, input, state, window));
      }
      const readout = variables['readout/kernel'] as tf.Tensor2D;
      const prediction = tf.add(tf.matMul(output, readout), variables['readout/bias'] as tf.Tensor);
      return tf.mean(tf.square(tf.sub(prediction, target)));
    };
    const optimizer = tf.train.adam(learningRate);
    for (let i = 0; i < iterations; i += 1) {
      const { inputs, target } = recallBatch(1000 * seed + i, batchSize);
      optimizer.minimize(() => loss(inputs, target))?.dispose();
      tf.dispose([inputs, target]);
    }
    const { inputs, target } = recallBatch(7, 256);
    const mse = tf.tidy(() => loss(inputs, target).dataSync()[0] ?? Number.NaN);
    tf.dispose([inputs, target, ...Object.values(variables)]);
    optimizer.dispose();
    return mse;
  }

  it('recalls a vector seen 3 steps before better than its controller alone', () => {
    // A vanilla RNN cannot gate out the distractors; with the memory it can write v once (the
    // flag) and read it back. The controller alone gets the same output width, 8 + wordSize.
    const alone = trainRecall(
      createVanillaRnnCell({ inputSize: size + 1, hiddenSize: hiddenSize + wordSize }),
    );
    const withMemory = trainRecall(
      createMemoryAugmentedCell({
        inputSize: size + 1,
        memory: createFastWeightsMemory({ wordSize }),
        controller: createVanillaRnnCell({ inputSize: size + 1 + wordSize, hiddenSize }),
      }),
    );
    // Predicting 0 scores Var(U[−1, 1]) = 1/3. Measured: 0.022 alone, 0.0079 with the memory,
    // 0.044 with it switched off (η = 1e-6); over seeds 11–15 the ratio was 0.14–0.36. (An LSTM,
    // which can gate, gets 0.002: the point is the memory's, not a claim about controllers.)
    expect(alone).toBeLessThan(1 / 3);
    expect(withMemory).toBeLessThan(0.5 * alone);
  });
});
