import { checkLeaksAfterEachTest, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { unrollMemory } from './__fixtures__/memory-harness.js';
import { allFinite, makeControl, SMALL, unrollGradients } from './__fixtures__/ntm-test-helpers.js';
import type { NtmMemoryConfig } from './ntm-memory.js';
import { createNtmMemory, type NtmState } from './ntm-memory.js';

checkLeaksAfterEachTest();

describe('NTM memory hand-computed cases', () => {
  // M_{t−1}: row i is [i, i + 0.5, −i] for slots 0..4 (batch 1).
  const rows = () => tf.tensor3d([[0, 1, 2, 3, 4].map((i) => [i, i + 0.5, -i])]) as tf.Tensor3D;
  const oneHot = (slot: number) => [[[0, 1, 2, 3, 4].map((i) => (i === slot ? 1 : 0))]];
  /** Batch 1: the given memory, the read head one-hot on `readSlot`, the write head on `writeSlot`. */
  const stateAt = (memory: tf.Tensor3D, readSlot: number, writeSlot: number): NtmState => ({
    memory,
    readWeights: tf.tensor3d(oneHot(readSlot)),
    writeWeights: tf.tensor3d(oneHot(writeSlot)),
  });
  const memory = createNtmMemory({ memorySize: 5, wordSize: 3, numReads: 1, shiftRange: 1 });

  it('erases and adds only the row a one-hot write weighting selects', () => {
    tf.tidy(() => {
      // Gate 0, no shift, γ = 1: the write head stays one-hot on slot 2.
      const state = stateAt(rows(), 0, 2);
      const control = makeControl(memory, 1, {
        writeShift: [[[0, 1, 0]]],
        writeSharpening: [[[1]]],
        erase: [[[1, 0.5, 0]]],
        add: [[[0.1, 0.2, 0.3]]],
      });
      const written = memory.write(state, control);
      // Row 2 = [2, 2.5, −2] ⊙ (1 − [1, .5, 0]) + [.1, .2, .3] = [.1, 1.45, −1.7].
      const expected = [0, 1, 2, 3, 4].map((i) => (i === 2 ? [0.1, 1.45, -1.7] : [i, i + 0.5, -i]));
      expectClose(written.memory, tf.tensor3d([expected]), TOLERANCES.float32, 'memory');
      expectClose(written.writeWeights, tf.tensor3d(oneHot(2)), TOLERANCES.float32, 'w');
    });
  });

  it('walks the write head by +1 from slot 4 to slot 0 and reads there by a −1 shift', () => {
    tf.tidy(() => {
      const state = stateAt(rows(), 1, 4);
      const control = makeControl(memory, 1, {
        writeShift: [[[0, 0, 1]]],
        writeSharpening: [[[1]]],
        erase: [[[1, 1, 1]]],
        add: [[[7, 8, 9]]],
        readShifts: [[[1, 0, 0]]],
        readSharpening: [[[1]]],
      });
      const written = memory.write(state, control);
      expectClose(written.writeWeights, tf.tensor3d(oneHot(0)), TOLERANCES.float32, 'w');
      const { readVector, state: next } = memory.read(written, control);
      // The read head moves from slot 1 to slot 0 and reads the row just written.
      expectClose(next.readWeights, tf.tensor3d(oneHot(0)), TOLERANCES.float32, 'read w');
      expectClose(readVector, [7, 8, 9], TOLERANCES.float32, 'read');
    });
  });

  it("reads by content from the memory after this step's write (M_t, not M_{t−1})", () => {
    tf.tidy(() => {
      // Zero memory; the write puts [0, 0, 5] in slot 3. The read key [0, 0, 1] with β = 100
      // matches only that row (cos 1 against 0 elsewhere: e^−100 ≈ 0), so it reads [0, 0, 5];
      // on M_{t−1} (all zero) it would read the mean row, 0.
      const state = stateAt(tf.zeros([1, 5, 3]), 0, 3);
      const control = makeControl(memory, 1, {
        writeShift: [[[0, 1, 0]]],
        writeSharpening: [[[1]]],
        add: [[[0, 0, 5]]],
        readKeys: [[[0, 0, 1]]],
        readStrengths: [[[100]]],
        readGates: [[[1]]],
        readShifts: [[[0, 1, 0]]],
        readSharpening: [[[1]]],
      });
      const { readVector } = memory.read(memory.write(state, control), control);
      expectClose(readVector, [0, 0, 5], { rtol: 0, atol: 1e-5 }, 'read');
    });
  });
});

describe('NTM memory edge cases', () => {
  const saturatedUnroll = (config: Partial<NtmMemoryConfig>, steps: number, seed: number) => {
    const memory = createNtmMemory(config);
    const batchSize = 2;
    return tf.tidy(() => {
      const signs = tf.sign(
        tf.randomUniform([steps, batchSize, memory.controlSize], -1, 1, 'float32', seed),
      );
      const controls = tf.mul(signs, 30) as tf.Tensor3D;
      const initial = memory.initialState(batchSize);
      const lw = tf.randomUniform(
        [steps, batchSize, memory.readSize],
        -1,
        1,
        'float32',
        seed + 1,
      ) as tf.Tensor3D;
      const unrolled = unrollMemory(memory, initial, controls);
      const grads = unrollGradients(memory, lw, { controls, ...initial });
      return allFinite([unrolled.reads, ...Object.values(unrolled.state), ...grads]);
    });
  };

  it('gives finite values and gradients from an all-zero memory with controls at ±30', () => {
    expect(saturatedUnroll(SMALL, 4, 3)).toBe(true);
    expect(saturatedUnroll({ ...SMALL, shiftRange: 2 }, 4, 4)).toBe(true);
  });

  it('stays finite over 128 slots, where γ = 31 sharpens a flat weighting', () => {
    expect(
      saturatedUnroll({ memorySize: 128, wordSize: 4, numReads: 1, shiftRange: 1 }, 3, 5),
    ).toBe(true);
  });
});
