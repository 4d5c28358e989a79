import { checkLeaksAfterEachTest, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { createLruMemory, type LruControl, type LruState } from './lru-memory.js';

checkLeaksAfterEachTest();

const EXACT = { rtol: 0, atol: 0 };

/** A control built directly (not parsed), so gates can be exactly 0 or 1. */
function control(keys: number[][][], strengths: number[][][], writeGates: number[][][]) {
  return {
    keys: tf.tensor3d(keys),
    strengths: tf.tensor3d(strengths),
    writeGates: tf.tensor3d(writeGates),
  } satisfies LruControl;
}

describe('LRU memory: hand-computed cases', () => {
  it('with gate 1 writes exactly where the last read went, after zeroing the least-used slot', () => {
    tf.tidy(() => {
      const memory = createLruMemory({ memorySize: 4, wordSize: 2, numReads: 1 });
      const state: LruState = {
        memory: tf.tensor3d([
          [
            [1, 2],
            [3, 4],
            [5, 6],
            [7, 8],
          ],
        ]),
        readWeights: tf.tensor3d([[[0, 0, 1, 0]]]),
        writeWeights: tf.zeros([1, 1, 4]),
        usage: tf.tensor2d([[0.4, 0.1, 0.3, 0.2]]),
      };
      const written = memory.write(state, control([[[10, 20]]], [[[1]]], [[[1]]]));
      // w^w = 1 · w^r = slot 2; slot 1 (usage 0.1) is zeroed; slot 2 gets + (10, 20).
      expectClose(written.writeWeights, [0, 0, 1, 0], EXACT, 'write weights');
      expectClose(written.memory, [1, 2, 0, 0, 15, 26, 7, 8], EXACT, 'memory');
      // write leaves the read weights and usage alone.
      expectClose(written.readWeights, state.readWeights, EXACT, 'read weights');
      expectClose(written.usage, state.usage, EXACT, 'usage');
    });
  });

  it('with gate 0 writes each head to its least-used slot, ties to the lower slot', () => {
    tf.tidy(() => {
      const memory = createLruMemory({ memorySize: 4, wordSize: 2, numReads: 2 });
      const state: LruState = {
        memory: tf.tensor3d([
          [
            [1, 1],
            [2, 2],
            [3, 3],
            [4, 4],
          ],
        ]),
        readWeights: tf.tensor3d([
          [
            [0.5, 0.5, 0, 0],
            [0, 0, 0, 1],
          ],
        ]),
        writeWeights: tf.zeros([1, 2, 4]),
        // Tie 0.2 at slots 1 and 2: lu_0 = slot 1, lu_1 = slot 2.
        usage: tf.tensor2d([[0.3, 0.2, 0.2, 0.6]]),
      };
      const keys = [
        [
          [1, -1],
          [2, 3],
        ],
      ];
      const written = memory.write(state, control(keys, [[[1], [1]]], [[[0.25], [0]]]));
      // Head 0: 0.25 · (0.5, 0.5, 0, 0) + 0.75 · e₁ = (0.125, 0.875, 0, 0). Head 1: e₂.
      expectClose(written.writeWeights, [0.125, 0.875, 0, 0, 0, 0, 1, 0], EXACT, 'w^w');
      // Only slot 1 (lu_0) is zeroed. Row 0: (1, 1) + 0.125 (1, −1); row 1: 0.875 (1, −1);
      // row 2: (3, 3) + (2, 3); row 3 untouched.
      const rows = [1.125, 0.875, 0.875, -0.875, 5, 6, 4, 4];
      expectClose(written.memory, rows, TOLERANCES.float32, 'memory');
    });
  });

  it('decays the usage by γ and adds the read and the stored write weights', () => {
    tf.tidy(() => {
      const memory = createLruMemory({ memorySize: 3, wordSize: 3, numReads: 2, usageDecay: 0.9 });
      const state: LruState = {
        // Equal rows: equal cosines, so each head reads uniformly (1/3 per slot).
        memory: tf.tensor3d([
          [
            [1, 2, 2],
            [1, 2, 2],
            [1, 2, 2],
          ],
        ]),
        readWeights: tf.zeros([1, 2, 3]),
        writeWeights: tf.tensor3d([
          [
            [1, 0, 0],
            [0, 0.25, 0.75],
          ],
        ]),
        usage: tf.tensor2d([[1, 0.5, 0]]),
      };
      const keys = [
        [
          [1, 0, 0],
          [0, 1, -1],
        ],
      ];
      const { readVector, state: next } = memory.read(
        state,
        control(keys, [[[5], [2]]], [[[0], [0]]]),
      );
      const third = 1 / 3;
      expectClose(next.readWeights, [third, third, third, third, third, third], TOLERANCES.float32);
      expectClose(readVector, [1, 2, 2, 1, 2, 2], TOLERANCES.float32, 'read vector');
      // 0.9 (1, 0.5, 0) + 2/3 + (1, 0.25, 0.75).
      const usage = [0.9 + 2 * third + 1, 0.45 + 2 * third + 0.25, 2 * third + 0.75];
      expectClose(next.usage, usage, TOLERANCES.float32, 'usage');
      expectClose(next.memory, state.memory, EXACT, 'read leaves memory alone');
      expectClose(next.writeWeights, state.writeWeights, EXACT, 'and the write weights');
    });
  });
});
