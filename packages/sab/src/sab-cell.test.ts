import { createKey, initWeights, mapTree, stopGradient } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import { expectClose, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type AnySabCell, innerState, unroll } from './__fixtures__/sab-harness.js';
import { testLstmCell, testRnnCell } from './__fixtures__/test-cells.js';
import { ATTENTION_KERNEL } from './attention-scores.js';
import { createSabCell, type SabState, sab } from './sab-cell.js';
import { memoryCount } from './sab-schedule.js';

const [batchSize, inputSize, hiddenSize] = [2, 3, 4];
const lstm = testLstmCell(inputSize, hiddenSize);
const config = { topK: 2, attendEvery: 3, truncation: 4 };

/** The inner cell's weights of a SAB weight record. */
function lstmWeights(weights: Weights): Weights<'kernel' | 'bias'> {
  return { kernel: weights['cell/kernel'] as tf.Tensor, bias: weights['cell/bias'] as tf.Tensor };
}

describe('sab cell', () => {
  it('declares the wrapped weights under cell/, the attention weights and [h; s] outputs', () => {
    const shapes = (specs: Record<string, { shape: readonly number[] }>) =>
      Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.shape]));
    const cell = sab(lstm, config);
    expect(cell.inputSize).toBe(inputSize);
    expect(cell.outputSize).toBe(2 * hiddenSize);
    const inner = { 'cell/kernel': [inputSize + hiddenSize, 4 * hiddenSize], 'cell/bias': [16] };
    // The default: the paper's MLP, hidden width = the wrapped cell's hidden size.
    expect(shapes(cell.weightSpecs)).toEqual({
      ...inner,
      'attention/query': [hiddenSize, hiddenSize],
      'attention/memory': [hiddenSize, hiddenSize],
      'attention/bias': [hiddenSize],
      [ATTENTION_KERNEL]: [hiddenSize],
    });
    expect(shapes(sab(lstm, { attentionSize: 6 }).weightSpecs)).toMatchObject({
      'attention/query': [hiddenSize, 6],
      [ATTENTION_KERNEL]: [6],
    });
    // The official code's linear read-out w [2 · hiddenSize] (attentionSize does not apply).
    const linear = sab(lstm, { ...config, scoring: 'linear', attentionSize: 6 });
    expect(shapes(linear.weightSpecs)).toEqual({ ...inner, [ATTENTION_KERNEL]: [2 * hiddenSize] });
    expect(createSabCell).toBe(sab);
    // (Their initialisers: attention-scores.test.ts.)
  });

  it('starts with one memory, the initial h, at time 0', () => {
    tf.tidy(() => {
      const state = sab(lstm).initialState(batchSize);
      expect(state.memories.shape).toEqual([batchSize, 1, hiddenSize]);
      expect(state.time.dtype).toBe('int32');
      expect(state.time.shape).toEqual([]);
      expect(state.time.dataSync()[0]).toBe(0);
      expect(Object.keys(state.cell).sort()).toEqual(['c', 'h']);
      expectClose(state.memories, new Float32Array(batchSize * hiddenSize), { rtol: 0, atol: 0 });
    });
  });

  it('adds the summary to ĥ, keeps c, outputs [h; s] and stores h every attendEvery steps', () => {
    const cell = sab(lstm, config) as unknown as AnySabCell;
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(1));
      const shape = (weights[ATTENTION_KERNEL] as tf.Tensor).shape;
      const attended = {
        ...weights,
        [ATTENTION_KERNEL]: tf.randomNormal(shape, 0, 1, 'float32', 2),
      };
      const inputs = tf.randomNormal([7, batchSize, inputSize], 0, 1, 'float32', 3);
      const window = lstm.startWindow({ key: createKey(2), batchSize, training: false });
      let state = cell.initialState(batchSize);
      for (const [t, x] of (tf.unstack(inputs) as tf.Tensor2D[]).entries()) {
        const inner = lstm.step(lstmWeights(attended), x, innerState(state) as never, window);
        const { output, state: next } = cell.step(attended, x, state, undefined);
        const [h, summary] = tf.split(output, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        expectClose(h, tf.add(inner.state.h, summary), TOLERANCES.float32, `h = ĥ + s at ${t}`);
        expectClose(innerState(next).h as tf.Tensor, h, TOLERANCES.float32, `state h at ${t}`);
        expectClose(
          innerState(next).c as tf.Tensor,
          inner.state.c,
          TOLERANCES.float32,
          `c at ${t}`,
        );
        expect(next.memories.shape).toEqual([batchSize, memoryCount(t + 1, 3), hiddenSize]);
        expect(next.time.dataSync()[0]).toBe(t + 1);
        if ((t + 1) % 3 === 0) {
          const stored = tf.squeeze(
            tf.slice(next.memories, [0, memoryCount(t, 3), 0], [-1, 1, -1]),
            [1],
          );
          expectClose(stored, h, TOLERANCES.float32, `stored memory at ${t}`);
        }
        // From the second memory on, the summary is a convex combination of non-zero memories.
        if (memoryCount(t, 3) > 1) expect(tf.abs(summary).sum().dataSync()[0]).toBeGreaterThan(0);
        state = next;
      }
    });
  });

  it('opens the wrapped cell’s window (e.g. dropout masks) and steps with it', () => {
    const cell = sab(lstm, config);
    tf.tidy(() => {
      const options = { key: createKey(4), batchSize, training: true };
      const window = cell.startWindow(options);
      const direct = lstm.startWindow(options);
      expect(window).toEqual({ inputScale: 0.5 });
      expect(window).toEqual(direct);
      const weights = initWeights(cell.weightSpecs, createKey(5));
      const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
      const state = cell.initialState(batchSize);
      const masked = cell.step(weights, x, state, window).output;
      const inner = lstm.step(lstmWeights(weights), x, state.cell, direct).output;
      // At t = 0 the only memory is the zero initial h, so h = ĥ and s = 0; a step that ignored
      // the window would scale x by 1 instead of 0.5.
      expectClose(masked, tf.concat([inner, tf.zerosLike(inner)], 1), TOLERANCES.float32);
    });
  });

  it('wraps a cell whose state is h alone (GRU, vanilla RNN)', () => {
    const cell = sab(testRnnCell(inputSize, hiddenSize), { topK: 1, attendEvery: 1 });
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(6));
      const inputs = tf.randomNormal([3, batchSize, inputSize], 0, 1, 'float32', 7);
      const { outputs, state } = unroll(
        cell as unknown as AnySabCell,
        weights,
        inputs as tf.Tensor3D,
      );
      expect(outputs.shape).toEqual([3, batchSize, 2 * hiddenSize]);
      expect(state.memories.shape).toEqual([batchSize, 4, hiddenSize]);
      expect(Object.keys(state.cell)).toEqual(['h']);
    });
  });

  it('is a pure function of its arguments: the same weights and inputs give the same outputs', () => {
    const cell = sab(lstm, config) as unknown as AnySabCell;
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(8));
      const inputs = tf.randomNormal([9, batchSize, inputSize], 0, 1, 'float32', 9) as tf.Tensor3D;
      const first = unroll(cell, weights, inputs);
      const second = unroll(cell, initWeights(cell.weightSpecs, createKey(8)), inputs);
      expectClose(second.outputs, first.outputs, { rtol: 0, atol: 0 });
      expectClose(second.state.memories, first.state.memories, { rtol: 0, atol: 0 });
    });
  });

  it('returns new handles: disposing the old state and the output keeps the new state', () => {
    const cell = sab(lstm, { topK: 1, attendEvery: 2 }) as unknown as AnySabCell;
    const weights = initWeights(cell.weightSpecs, createKey(10));
    const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
    let state = cell.initialState(batchSize);
    for (let t = 0; t < 3; t += 1) {
      const result = cell.step(weights, x, state, undefined);
      tf.dispose([result.output, ...mapTreeLeaves(state)]);
      state = result.state;
    }
    expect(state.memories.shape).toEqual([batchSize, 2, hiddenSize]);
    expect(tf.sum(state.memories).dataSync()[0]).not.toBeNaN();
    expect(state.time.dataSync()[0]).toBe(3);
    tf.dispose([x, ...Object.values(weights), ...mapTreeLeaves(state)]);
  });

  it('carries its state to the next window through stopGradient, as the training step does', () => {
    const cell = sab(lstm, config) as unknown as AnySabCell;
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(11));
      const inputs = tf.randomNormal([5, batchSize, inputSize], 0, 1, 'float32', 12) as tf.Tensor3D;
      const kernel = weights[ATTENTION_KERNEL] as tf.Tensor;
      let carried: SabState | undefined;
      const gradient = tf.grad((w: tf.Tensor) => {
        const { outputs, state } = unroll(cell, { ...weights, [ATTENTION_KERNEL]: w }, inputs);
        // Kept out of tf.grad's tidy, as the training step keeps it out of variableGrads'.
        carried = mapTree(state, (tensor) => tf.keep(stopGradient(tensor))) as unknown as SabState;
        return tf.sum(outputs);
      })(kernel);
      expect(gradient.shape).toEqual(kernel.shape);
      if (carried === undefined) throw new Error('no state');
      expect(carried.time.dtype).toBe('int32');
      const next = unroll(cell, weights, inputs, { state: carried });
      expect(next.state.time.dataSync()[0]).toBe(10);
      expect(next.state.memories.shape).toEqual([batchSize, memoryCount(10, 3), hiddenSize]);
      tf.dispose(mapTreeLeaves(carried));
    });
  });

  it.each(['mlp', 'linear'] as const)(
    'stays finite with saturated inputs, gates and attention (%s)',
    (scoring) => {
      const saturated = { topK: 2, attendEvery: 1, truncation: 3, scoring };
      const cell = sab(lstm, saturated) as unknown as AnySabCell;
      tf.tidy(() => {
        const base = initWeights(cell.weightSpecs, createKey(13));
        const weights: Record<string, tf.Tensor> = {
          'cell/kernel': tf.mul(base['cell/kernel'] as tf.Tensor, 300),
          'cell/bias': tf.fill([4 * hiddenSize], 40),
        };
        // Every attention weight from N(0, 1e8): the tanh saturates and the scores are ~1e4.
        for (const [name, spec] of Object.entries(cell.weightSpecs)) {
          if (name.startsWith('attention/')) {
            weights[name] = tf.mul(tf.randomNormal([...spec.shape], 0, 1, 'float32', 14), 1e4);
          }
        }
        const inputs = tf.mul(
          tf.sign(tf.randomNormal([8, batchSize, inputSize], 0, 1, 'float32', 15)),
          1e3,
        );
        const names = Object.keys(weights);
        const gradients = tf.grads((...tensors: tf.Tensor[]) => {
          const named = Object.fromEntries(names.map((name, i) => [name, tensors[i] as tf.Tensor]));
          const { outputs } = unroll(cell, named, inputs as tf.Tensor3D);
          expect(tf.all(tf.isFinite(outputs)).dataSync()[0]).toBe(1);
          return tf.sum(outputs);
        })(Object.values(weights));
        for (const gradient of gradients)
          expect(tf.all(tf.isFinite(gradient)).dataSync()[0]).toBe(1);
      });
    },
  );

  it('leaves no tensors behind, gradient included', async () => {
    const cell = sab(lstm, config) as unknown as AnySabCell;
    const weights = initWeights(cell.weightSpecs, createKey(16));
    const inputs = tf.randomNormal([6, batchSize, inputSize], 0, 1, 'float32', 17) as tf.Tensor3D;
    await expectNoLeaks(() => {
      const names = Object.keys(weights);
      const gradients = tf.grads((...tensors: tf.Tensor[]) => {
        const named = Object.fromEntries(names.map((name, i) => [name, tensors[i] as tf.Tensor]));
        return tf.sum(unroll(cell, named, inputs).outputs);
      })(Object.values(weights));
      tf.dispose(gradients);
      // Outside any tidy: a storing step (t = 2) and a truncating one (t = 3) make nothing else.
      const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
      let state = cell.initialState(batchSize);
      for (let t = 0; t < 5; t += 1) {
        const result = cell.step(weights, x, state, undefined);
        tf.dispose([result.output, ...mapTreeLeaves(state)]);
        state = result.state;
      }
      tf.dispose([x, ...mapTreeLeaves(state)]);
    }, 'a SAB unroll and its gradient');
    tf.dispose([...Object.values(weights), inputs]);
  });
});

/** Every tensor of a SAB state. */
function mapTreeLeaves(state: SabState): tf.Tensor[] {
  return [...Object.values(innerState(state)), state.memories, state.time];
}
