import { checkLeaksAfterEachTest, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNear } from './__fixtures__/memory-harness.js';
import {
  createDncMemory,
  type DncControlName,
  type DncMemoryConfig,
  type DncState,
  dncControlLayout,
} from './dnc-memory.js';

checkLeaksAfterEachTest();

/** Pre-activation parts of one control vector, repeated for every sequence; zeros elsewhere. */
function controlVector(
  sizes: DncMemoryConfig,
  parts: Partial<Record<DncControlName, number[]>>,
  rows = 1,
): tf.Tensor2D {
  const layout = dncControlLayout(sizes);
  const row = (Object.keys(layout) as DncControlName[]).flatMap((name) => {
    const width = layout[name].heads * layout[name].width;
    const values = parts[name] ?? new Array<number>(width).fill(0);
    if (values.length !== width) throw new Error(`${name}: ${values.length} ≠ ${width}`);
    return values;
  });
  return tf.tensor2d(Array.from({ length: rows }, () => row));
}

/** A state of `batchSize` 1 from nested arrays (zeros where missing). */
function stateOf(sizes: DncMemoryConfig, values: Partial<Record<keyof DncState, number[][]>>) {
  const { memorySize: n, wordSize: w, numReads: r } = sizes;
  const zeros = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array(cols).fill(0));
  return {
    memory: tf.tensor3d([values.memory ?? zeros(n, w)]),
    usage: tf.tensor2d(values.usage ?? zeros(1, n)),
    link: tf.tensor3d([values.link ?? zeros(n, n)]),
    precedence: tf.tensor2d(values.precedence ?? zeros(1, n)),
    readWeights: tf.tensor3d([values.readWeights ?? zeros(r, n)]),
    writeWeights: tf.tensor2d(values.writeWeights ?? zeros(1, n)),
  } as DncState;
}

describe('DNC memory: mechanisms, by hand', () => {
  const small = { memorySize: 3, wordSize: 2, numReads: 2 };
  const memory3 = createDncMemory(small);
  const SATURATED = 30; // sigmoid(±30) is 1 or 0 in float32

  it('two allocating writes go to slots 0 then 1, and L[1, 0] = 1 steers the reads', () => {
    tf.tidy(() => {
      // Heads read slot 0 and slot 1; nothing is freed, everything allocates and writes fully.
      // Slot 2 is busy (u = 0.9): from all zeros, the ε(1 − ε) that the first allocation leaks
      // to slot 1 would make slot 2 the least used and send the second write there.
      let state = stateOf(small, {
        usage: [[0, 0, 0.9]],
        readWeights: [
          [1, 0, 0],
          [0, 1, 0],
        ],
      });
      const write = (vector: number[]) =>
        memory3.parseControl(
          controlVector(small, {
            freeGates: [-SATURATED, -SATURATED],
            allocationGate: [SATURATED],
            writeGate: [SATURATED],
            eraseVector: [SATURATED, SATURATED],
            writeVector: vector,
          }),
        );
      state = memory3.write(state, write([1, 2])); // zero usage: slot 0
      expectNear(state.writeWeights, [[1, 0, 0]], TOLERANCES.reference, 'first write');
      state = memory3.write(state, write([3, 4])); // slot 0 used: slot 1
      expectNear(state.writeWeights, [[0, 1, 0]], TOLERANCES.reference, 'second write');
      expectNear(state.usage, [[1, 0, 0.9]], TOLERANCES.reference, 'usage after the 1st write');
      expectNear(
        state.link,
        [
          [
            [0, 0, 0],
            [1, 0, 0],
            [0, 0, 0],
          ],
        ],
        TOLERANCES.reference,
        'L',
      );
      expectNear(state.precedence, [[0, 1, 0]], TOLERANCES.reference, 'p');
      expectNear(
        state.memory,
        [
          [
            [1, 2],
            [3, 4],
            [0, 0],
          ],
        ],
        TOLERANCES.reference,
        'M',
      );
      // Head 0 forward from slot 0 → slot 1; head 1 backward from slot 1 → slot 0.
      const modes = [-SATURATED, -SATURATED, SATURATED, SATURATED, -SATURATED, -SATURATED];
      const read = memory3.read(
        state,
        memory3.parseControl(controlVector(small, { readModes: modes })),
      );
      expectNear(
        read.state.readWeights,
        [
          [
            [0, 1, 0],
            [1, 0, 0],
          ],
        ],
        TOLERANCES.reference,
        'w^r',
      );
      expectNear(read.readVector, [[3, 4, 1, 2]], TOLERANCES.reference, 'read vector');
    });
  });

  it('a free gate of 1 frees the slot its head read, and the next write goes there', () => {
    tf.tidy(() => {
      const state = stateOf(small, {
        usage: [[0.9, 0.8, 0.7]],
        readWeights: [
          [0, 1, 0],
          [0, 0, 0.5],
        ],
      });
      const control = memory3.parseControl(
        controlVector(small, {
          freeGates: [SATURATED, -SATURATED],
          allocationGate: [SATURATED],
          writeGate: [SATURATED],
        }),
      );
      const written = memory3.write(state, control);
      // ψ = [1, 0, 1]: u = [0.9, 0, 0.7]; a ≈ [0, 1, 0] (ε = 1e-6 on the floored usage).
      expectNear(written.usage, [[0.9, 0, 0.7]], TOLERANCES.reference, 'usage');
      expectNear(written.writeWeights, [[0, 1, 0]], TOLERANCES.reference, 'write weights');
    });
  });

  it('keeps the link matrix a sub-stochastic, zero-diagonal matrix on a random unroll', () => {
    const sizes = { memorySize: 6, wordSize: 3, numReads: 2 };
    const memory6 = createDncMemory(sizes);
    tf.tidy(() => {
      const flats = tf.randomUniform([12, 3, memory6.controlSize], -3, 3, 'float32', 7);
      let state = memory6.initialState(3);
      for (const flat of tf.unstack(flats) as tf.Tensor2D[]) {
        const control = memory6.parseControl(flat);
        state = memory6.read(memory6.write(state, control), control).state;
        const link = state.link.arraySync();
        const bound = 1 + 1e-5;
        for (const matrix of link) {
          matrix.forEach((row, i) => {
            expect(row[i]).toBe(0);
            expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
            expect(row.reduce((a, b) => a + b)).toBeLessThanOrEqual(bound);
            expect(matrix.reduce((sum, r) => sum + (r[i] ?? 0), 0)).toBeLessThanOrEqual(bound);
          });
        }
        expect(Math.max(...tf.sum(state.precedence, 1).dataSync())).toBeLessThanOrEqual(bound);
        expect(Math.max(...tf.sum(state.readWeights, 2).dataSync())).toBeLessThanOrEqual(bound);
        const usage = state.usage.dataSync();
        expect(Math.min(...usage)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...usage)).toBeLessThanOrEqual(bound);
      }
    });
  });
});
