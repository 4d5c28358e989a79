// `maxMemories` bounds the macrostate: a stateful language model carries SAB's state across
// windows, and without a bound its memories (and the attention's cost) grow for a whole epoch.
import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { checkLeaksAfterEachTest, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type AnySabCell, unroll } from './__fixtures__/sab-harness.js';
import { testLstmCell } from './__fixtures__/test-cells.js';
import { sab } from './sab-cell.js';
import { resolveSabConfig } from './sab-config.js';

checkLeaksAfterEachTest();

const [batchSize, inputSize, hiddenSize, steps] = [2, 3, 4, 9];
const lstm = testLstmCell(inputSize, hiddenSize);
// A memory after every step: 1 initial + 9 stored = 10 memories unbounded.
const config = { topK: 2, attendEvery: 1, truncation: 3 };

/** Every step's output and the memories after each step, unbounded or bounded by `max`. */
function run(max: number | undefined) {
  const cell = sab(lstm, max === undefined ? config : { ...config, maxMemories: max });
  const weights = initWeights(cell.weightSpecs, createKey(1));
  const inputs = tf.randomNormal([steps, batchSize, inputSize], 0, 1, 'float32', 2) as tf.Tensor3D;
  const result = tf.tidy(() => {
    const { outputs, state } = unroll(cell as AnySabCell, weights, inputs);
    return { outputs: outputs.arraySync(), memories: state.memories.arraySync() };
  });
  disposeTree([inputs, Object.values(weights)]);
  return result;
}

describe('SabConfig.maxMemories', () => {
  it('keeps the newest memories; the same results while the bound is not reached', () => {
    const unbounded = run(undefined);
    const loose = run(10);
    const bounded = run(4);
    expect(unbounded.memories[0]).toHaveLength(10);
    expect(bounded.memories[0]).toHaveLength(4);
    // A bound the run never reaches changes nothing, bit for bit.
    expect(loose).toEqual(unbounded);
    // Up to step 3 (memories 1 + 3 = 4) the bound has not dropped anything: same outputs.
    expectClose(
      bounded.outputs.slice(0, 4).flat(2),
      unbounded.outputs.slice(0, 4).flat(2),
      TOLERANCES.float32,
    );
    // From then on the oldest memories are gone, so the attention and the outputs differ.
    expect(bounded.outputs.slice(4)).not.toEqual(unbounded.outputs.slice(4));
  });

  it('drops the oldest: after the store at the bound, the memories are the last four', () => {
    const cell = sab(lstm, { ...config, maxMemories: 4 });
    const free = sab(lstm, config);
    const weights = initWeights(cell.weightSpecs, createKey(1));
    const inputs = tf.randomNormal([4, batchSize, inputSize], 0, 1, 'float32', 3) as tf.Tensor3D;
    tf.tidy(() => {
      // Four steps: 5 memories unbounded. Every step read at most 4, so the bounded run's
      // steps are the unbounded run's, and after its last store it keeps the newest 4.
      const bounded = unroll(cell as AnySabCell, weights, inputs).state.memories;
      const all = unroll(free as AnySabCell, weights, inputs).state.memories;
      expect(bounded.shape).toEqual([batchSize, 4, hiddenSize]);
      expectClose(
        bounded.dataSync(),
        tf.slice(all, [0, 1, 0], [-1, 4, -1]).dataSync(),
        TOLERANCES.float32,
      );
    });
    disposeTree([inputs, Object.values(weights)]);
  });

  it('is absent unless given, and names a bad value', () => {
    expect('maxMemories' in resolveSabConfig()).toBe(false);
    expect(resolveSabConfig({ maxMemories: 3 }).maxMemories).toBe(3);
    expect(() => resolveSabConfig({ maxMemories: 0 })).toThrow(
      'SabConfig.maxMemories must be a positive integer, got 0',
    );
  });
});
