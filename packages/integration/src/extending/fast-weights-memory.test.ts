// A user's own memory (fast weights, Ba et al. 2016) through the published contracts only:
// its values by hand, its contract, its gradient by finite differences
// (fast-weights-memory-in-models.test.ts puts it in the library's cell and models).
import { disposeTree } from '@bayesrnn/core';
import {
  checkLeaksAfterEachTest,
  expectClose,
  expectGradientsMatch,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createFastWeightsMemory,
  DEFAULT_FAST_WEIGHTS_MEMORY_CONFIG,
  type FastWeightsControl,
} from './fast-weights-memory.js';

checkLeaksAfterEachTest();

/** Every number in `tensor` is finite. */
function allFinite(tensor: tf.Tensor): boolean {
  return Array.from(tensor.dataSync()).every(Number.isFinite);
}

/** A parsed control built directly, skipping the tanh of `parseControl`: to write `write`. */
function writing(write: number[][]): FastWeightsControl {
  const stored = tf.tensor2d(write);
  return { write: stored, query: tf.zerosLike(stored) };
}

/** A parsed control to read with `query` (and write nothing). */
function querying(query: tf.Tensor2D | number[][]): FastWeightsControl {
  const asked = query instanceof tf.Tensor ? query : tf.tensor2d(query);
  return { write: tf.zerosLike(asked), query: asked };
}

describe('fast-weights memory: values', () => {
  it('stores a aᵀ and reads η λ^k |a|² a for the vector written k writes before (by hand)', () => {
    tf.tidy(() => {
      // Orthogonal a1 = [1, 1, 0], a2 = [1, −1, 0] (|a|² = 2), and a second sequence with
      // a1 = [0, 0, 2], a2 = [1, 0, 0] (|a|² = 4 and 1).
      const memory = createFastWeightsMemory({ wordSize: 3, decay: 0.5, fastLearningRate: 2 });
      const first = writing([
        [1, 1, 0],
        [0, 0, 2],
      ]);
      const second = writing([
        [1, -1, 0],
        [1, 0, 0],
      ]);
      const state = memory.write(memory.write(memory.initialState(2), first), second);
      // A = λ η a1 a1ᵀ + η a2 a2ᵀ = 1·[[1,1,0],[1,1,0],[0,0,0]] + 2·[[1,−1,0],[−1,1,0],[0,0,0]]
      // and, for sequence 2, 1·[[0,0,0],[0,0,0],[0,0,4]] + 2·[[1,0,0],[0,0,0],[0,0,0]].
      expectClose(
        state.matrix,
        [3, -1, 0, -1, 3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4],
        TOLERANCES.float32,
        'A after two writes',
      );
      // Query a1 (written k = 1 writes back): η λ |a1|² a1 = 2·0.5·2·[1,1,0] = [2, 2, 0];
      // sequence 2: 2·0.5·4·[0,0,2] = [0, 0, 8].
      const older = memory.read(state, querying(first.write));
      expectClose(older.readVector, [2, 2, 0, 0, 0, 8], TOLERANCES.float32, 'read of a1');
      // Query a2 (k = 0): η |a2|² a2 = 2·2·[1,−1,0] = [4, −4, 0]; sequence 2: 2·1·[1,0,0].
      const newer = memory.read(state, querying(second.write));
      expectClose(newer.readVector, [4, -4, 0, 2, 0, 0], TOLERANCES.float32, 'read of a2');
      // Reading leaves the state as it was.
      expectClose(newer.state.matrix, state.matrix, TOLERANCES.float32, 'state after a read');
      expect(newer.state.matrix).not.toBe(state.matrix);
    });
  });

  it("uses Ba et al.'s λ = 0.95 and η = 0.5 by default", () => {
    expect(DEFAULT_FAST_WEIGHTS_MEMORY_CONFIG).toEqual({
      wordSize: 50,
      decay: 0.95,
      fastLearningRate: 0.5,
    });
    tf.tidy(() => {
      const memory = createFastWeightsMemory({ wordSize: 2 });
      let state = memory.initialState(1);
      for (const write of [
        [1, 0],
        [0, 0],
        [0, 0],
      ]) {
        state = memory.write(state, writing([write]));
      }
      // Written two writes back: η λ² |a|² a = 0.5 · 0.9025 · 1 · [1, 0].
      const read = memory.read(state, querying([[1, 0]]));
      expectClose(read.readVector, [0.45125, 0], TOLERANCES.float32, 'λ² decay');
    });
  });
});

describe('fast-weights memory: contract', () => {
  const memory = createFastWeightsMemory({ wordSize: 3 });

  it('has controlSize 2·wordSize, readSize wordSize and an empty initial state', () => {
    expect(memory.controlSize).toBe(6);
    expect(memory.readSize).toBe(3);
    expect(memory.config).toEqual({ wordSize: 3, decay: 0.95, fastLearningRate: 0.5 });
    tf.tidy(() => {
      const state = memory.initialState(2);
      expect(state.matrix.shape).toEqual([2, 3, 3]);
      expectClose(state.matrix, new Array(18).fill(0), TOLERANCES.float32, 'A_0');
    });
  });

  it('parses [write; query] and squashes both with tanh', () => {
    tf.tidy(() => {
      const flat = tf.tensor2d([
        [0, 1, -2, 30, -30, 0.5],
        [-1, 2, 0, 0, 0, 0],
      ]);
      const parsed = memory.parseControl(flat);
      expect(parsed.write.shape).toEqual([2, 3]);
      expect(parsed.query.shape).toEqual([2, 3]);
      const t = Math.tanh;
      expectClose(parsed.write, [0, t(1), t(-2), t(-1), t(2), 0], TOLERANCES.float32, 'write');
      expectClose(parsed.query, [1, -1, t(0.5), 0, 0, 0], TOLERANCES.float32, 'query');
    });
  });

  it('names the option or the argument that is wrong', () => {
    expect(() => createFastWeightsMemory({ decay: 1.5 })).toThrow(RangeError);
    expect(() => createFastWeightsMemory({ decay: 1.5 })).toThrow(
      'FastWeightsMemoryConfig.decay must be in [0, 1), got 1.5',
    );
    expect(() => createFastWeightsMemory({ decay: 1 })).toThrow(
      'FastWeightsMemoryConfig.decay must be in [0, 1), got 1',
    );
    expect(() => createFastWeightsMemory({ fastLearningRate: 0 })).toThrow(
      'FastWeightsMemoryConfig.fastLearningRate must be a positive finite number, got 0',
    );
    expect(() => createFastWeightsMemory({ wordSize: 2.5 })).toThrow(
      'FastWeightsMemoryConfig.wordSize must be a positive integer, got 2.5',
    );
    tf.tidy(() => {
      expect(() => memory.parseControl(tf.zeros([2, 5]))).toThrow(
        'fast-weights memory: control must have shape [2, 6], got [2, 5]',
      );
      const parsed = memory.parseControl(tf.zeros([2, 6]));
      expect(() => memory.write({ matrix: tf.zeros([2, 3, 4]) }, parsed)).toThrow(
        'fast-weights memory: state.matrix must have shape [2, 3, 3], got [2, 3, 4]',
      );
      expect(() => memory.read(memory.initialState(1), parsed)).toThrow(
        'fast-weights memory: control.query must have shape [1, 3], got [2, 3]',
      );
    });
  });

  it('makes only the tensors it returns and never disposes its inputs', () => {
    const flat = tf.randomNormal([2, 6], 0, 1, 'float32', 4) as tf.Tensor2D;
    const empty = memory.initialState(2);
    let count = tf.memory().numTensors;
    /** Tensors made since the last call. */
    const made = (): number => {
      const before = count;
      count = tf.memory().numTensors;
      return count - before;
    };
    const control = memory.parseControl(flat);
    expect(made(), 'parseControl: write and query').toBe(2);
    const state = memory.write(empty, control);
    expect(made(), 'write: the matrix').toBe(1);
    const read = memory.read(state, control);
    expect(made(), 'read: readVector and a handle on the matrix').toBe(2);
    for (const tensor of [flat, empty.matrix, control.write, control.query, state.matrix]) {
      expect(tensor.isDisposed).toBe(false);
    }
    disposeTree([flat, empty, control, state, read.readVector, read.state]);
  });

  it('has the gradient of finite differences through parseControl, write and read', () => {
    const state = tf.tidy(() =>
      // A non-empty memory, so the decayed term λ A_{t−1} matters too.
      memory.write(
        memory.initialState(2),
        memory.parseControl(tf.randomNormal([2, 6], 0, 1, 'float32', 1)),
      ),
    );
    const flat = tf.randomNormal([2, 6], 0, 1, 'float32', 2);
    const lossWeights = tf.randomNormal([2, 3], 0, 1, 'float32', 3);
    const report = expectGradientsMatch(
      ({ flat, matrix }) => {
        const parsed = memory.parseControl(flat as tf.Tensor2D);
        const next = memory.write({ matrix: matrix as tf.Tensor3D }, parsed);
        return tf.sum(tf.mul(memory.read(next, parsed).readVector, lossWeights));
      },
      { flat, matrix: state.matrix },
    );
    // Measured: the largest |analytic − numeric| is 5e-5 (on the d matrix), against the
    // TOLERANCES.finiteDifference default of 2e-3 + 1e-2·|numeric|.
    expect(report.checked).toBe(12 + 18);
    tf.dispose([state.matrix, flat, lossWeights]);
  });

  it('reads zero from the empty memory; finite values and gradients when saturated', () => {
    tf.tidy(() => {
      const flat = tf.mul(tf.sign(tf.randomNormal([2, 6], 0, 1, 'float32', 5)), 1e4) as tf.Tensor2D;
      const parsed = memory.parseControl(flat);
      expectClose(memory.read(memory.initialState(2), parsed).readVector, new Array(6).fill(0));
      let state = memory.initialState(2);
      for (let t = 0; t < 200; t += 1) state = memory.write(state, parsed);
      // a = ±1 for 200 writes: A_ij → ±η / (1 − λ) = ±10, r_i → ±30.
      const read = memory.read(state, parsed);
      expect(tf.max(tf.abs(read.readVector)).dataSync()[0]).toBeLessThanOrEqual(30);
      const gradient = tf.grad((x: tf.Tensor) => {
        const control = memory.parseControl(x as tf.Tensor2D);
        return tf.sum(memory.read(memory.write(state, control), control).readVector);
      })(flat);
      expect(allFinite(gradient)).toBe(true);
    });
  });
});
