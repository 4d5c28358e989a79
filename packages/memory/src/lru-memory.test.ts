import {
  decode,
  decodeAll,
  expectClose,
  expectGradientsMatch,
  expectNoLeaks,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixtureJson from './__fixtures__/lru.json' with { type: 'json' };
import {
  fixtureLoss,
  loadMemoryFixture,
  type MemoryFixture,
  unrollMemory,
} from './__fixtures__/memory-harness.js';
import { createLruMemory, DEFAULT_LRU_MEMORY_CONFIG, type LruState } from './lru-memory.js';

const fixture: MemoryFixture<keyof LruState> = fixtureJson;
const { batchSize, memorySize, wordSize, numReads, usageDecay } = fixtureJson.sizes;
const lru = createLruMemory({ memorySize, wordSize, numReads, usageDecay });
const EXACT = { rtol: 0, atol: 0 };
const STATE_NAMES = ['memory', 'readWeights', 'writeWeights', 'usage'] as const;

/** The fixture's loss as a function of the controls, initial memory and initial read weights. */
function lossOf(memory: typeof lru, initial: LruState) {
  return (inputs: Readonly<Record<string, tf.Tensor>>) =>
    tf.tidy(() => {
      const state = {
        ...initial,
        memory: inputs.memory as tf.Tensor3D,
        readWeights: inputs.readWeights as tf.Tensor3D,
      };
      const { reads } = unrollMemory(memory, state, inputs.controls as tf.Tensor3D);
      return fixtureLoss(reads, inputs.lossWeights as tf.Tensor3D);
    });
}

function expectAllFinite(tensors: readonly tf.Tensor[], label: string): void {
  tensors.forEach((tensor, k) => {
    const values = Array.from(tensor.dataSync());
    expect(values.every(Number.isFinite), `${label} ${k}`).toBe(true);
  });
}

describe('LRU memory: sizes and shapes', () => {
  it('has a control of numReads · (wordSize + 2) and reads numReads words', () => {
    expect(lru.controlSize).toBe(2 * (3 + 2));
    expect(lru.readSize).toBe(2 * 3);
    expect(createLruMemory({ memorySize: 8, wordSize: 4, numReads: 1 }).controlSize).toBe(6);
    expect(DEFAULT_LRU_MEMORY_CONFIG.usageDecay).toBe(0.95);
  });

  it('parses keys, strengths ≥ 1 and gates in (0, 1), in that order', () => {
    tf.tidy(() => {
      // Batch 1: keys (1, 2, 3) and (4, 5, 6), strength pre-activations 0 and 0, gates 0 and 0.
      const flat = tf.tensor2d([[1, 2, 3, 4, 5, 6, 0, 0, 0, 0]]);
      const parsed = lru.parseControl(flat);
      expect(parsed.keys.shape).toEqual([1, numReads, wordSize]);
      expect(parsed.strengths.shape).toEqual([1, numReads, 1]);
      expect(parsed.writeGates.shape).toEqual([1, numReads, 1]);
      expectClose(parsed.keys, [1, 2, 3, 4, 5, 6], EXACT, 'keys');
      expectClose(parsed.strengths, [1 + Math.LN2, 1 + Math.LN2], TOLERANCES.float32, 'oneplus');
      expectClose(parsed.writeGates, [0.5, 0.5], TOLERANCES.float32, 'sigmoid');
    });
  });

  it('starts from zeros of the documented shapes', () => {
    tf.tidy(() => {
      const state = lru.initialState(batchSize);
      expect(state.memory.shape).toEqual([batchSize, memorySize, wordSize]);
      expect(state.readWeights.shape).toEqual([batchSize, numReads, memorySize]);
      expect(state.writeWeights.shape).toEqual([batchSize, numReads, memorySize]);
      expect(state.usage.shape).toEqual([batchSize, memorySize]);
      for (const name of STATE_NAMES) expect(tf.max(tf.abs(state[name])).dataSync()[0]).toBe(0);
      const flat = tf.zeros([batchSize, lru.controlSize]) as tf.Tensor2D;
      const written = lru.write(state, lru.parseControl(flat));
      const { readVector, state: next } = lru.read(written, lru.parseControl(flat));
      expect(readVector.shape).toEqual([batchSize, numReads * wordSize]);
      for (const name of STATE_NAMES) expect(next[name].shape).toEqual(state[name].shape);
    });
  });
});

describe('LRU memory against the PyTorch reference (scripts/make-lru-fixtures.py)', () => {
  it('matches every read, the final state and the loss', () => {
    tf.tidy(() => {
      const { controls, initialState, lossWeights } = loadMemoryFixture(fixture);
      const { reads, state } = unrollMemory(lru, initialState as LruState, controls);
      expectClose(reads, decode(fixture.reads), TOLERANCES.reference, 'reads');
      const expected = decodeAll(fixture.finalState);
      for (const name of STATE_NAMES) {
        expectClose(state[name], expected[name], TOLERANCES.reference, `finalState.${name}`);
      }
      expectClose(fixtureLoss(reads, lossWeights), fixture.loss, TOLERANCES.reference, 'loss');
    });
  });

  it('matches the gradients w.r.t. the controls, initial memory and initial read weights', () => {
    tf.tidy(() => {
      const { controls, initialState, lossWeights } = loadMemoryFixture(fixture);
      const initial = initialState as LruState;
      const loss = lossOf(lru, initial);
      const [dControls, dMemory, dReadWeights] = tf.grads((c, m, r) =>
        loss({ controls: c, memory: m, readWeights: r, lossWeights }),
      )([controls, initial.memory, initial.readWeights]);
      const expected = fixtureJson.gradients;
      const tolerance = TOLERANCES.reference;
      expectClose(dControls as tf.Tensor, decode(expected.controls), tolerance, 'd/d controls');
      expectClose(dMemory as tf.Tensor, decode(expected.memory), tolerance, 'd/d memory');
      const dRead = decode(expected.readWeights);
      expectClose(dReadWeights as tf.Tensor, dRead, tolerance, 'd/d readWeights');
    });
  });

  it('matches finite differences of the loss (controls, initial memory and read weights)', () => {
    tf.tidy(() => {
      const { controls, initialState, lossWeights } = loadMemoryFixture(fixture);
      const initial = initialState as LruState;
      const inputs = {
        controls,
        memory: initial.memory,
        readWeights: initial.readWeights,
        lossWeights,
      };
      const report = expectGradientsMatch(lossOf(lru, initial), inputs, {
        exclude: ['lossWeights'],
        maxElementsPerInput: 30,
      });
      expect(report.checked).toBe(30 + 30 + 20);
    });
  });

  it('sends no gradient into the usage: the least-used choice is a constant', () => {
    tf.tidy(() => {
      const { controls, initialState, lossWeights } = loadMemoryFixture(fixture);
      const initial = initialState as LruState;
      const dUsage = tf.grad((usage: tf.Tensor) => {
        const { reads } = unrollMemory(lru, { ...initial, usage: usage as tf.Tensor2D }, controls);
        return fixtureLoss(reads, lossWeights);
      })(initial.usage);
      expectClose(dUsage, tf.zeros([batchSize, memorySize]), EXACT, 'd/d usage');
    });
  });
});

describe('LRU memory: edge cases', () => {
  it('gives finite values and gradients from an all-zero memory with saturated controls', () => {
    tf.tidy(() => {
      const initial = lru.initialState(batchSize);
      const steps = 3;
      const pattern = Array.from({ length: steps * batchSize * lru.controlSize }, (_, i) =>
        i % 3 === 0 ? -30 : 30,
      );
      for (const values of [pattern, pattern.map((v) => -v), pattern.map(() => 0)]) {
        const controls = tf.tensor3d(values, [steps, batchSize, lru.controlSize]);
        const lossWeights = tf.ones([steps, batchSize, lru.readSize]) as tf.Tensor3D;
        const { reads, state } = unrollMemory(lru, initial, controls);
        expectAllFinite([reads, ...STATE_NAMES.map((name) => state[name])], 'value');
        const loss = lossOf(lru, initial);
        const gradients = tf.grads((c, m, r) =>
          loss({ controls: c, memory: m, readWeights: r, lossWeights }),
        )([controls, initial.memory, initial.readWeights]);
        expectAllFinite(gradients, 'gradient');
      }
    });
  });
});

describe('LRU memory: tensor ownership', () => {
  it('leaves nothing behind in parse, write and read, and never disposes its inputs', async () => {
    const { controls, initialState } = loadMemoryFixture(fixture);
    const initial = initialState as LruState;
    const flat = tf.tidy(() => tf.squeeze(tf.slice(controls, [0], [1]), [0])) as tf.Tensor2D;
    await expectNoLeaks(() => {
      const parsed = lru.parseControl(flat);
      const written = lru.write(initial, parsed);
      const { readVector, state } = lru.read(written, parsed);
      tf.dispose([...Object.values(parsed), ...Object.values(written)]);
      // The read's state stands on its own once the written state is gone.
      expect(state.memory.isDisposed).toBe(false);
      tf.dispose([readVector, ...Object.values(state)]);
    }, 'parse/write/read');
    for (const name of STATE_NAMES) expect(initial[name].isDisposed).toBe(false);
    const lossWeights = tf.ones([fixtureJson.sizes.steps, batchSize, lru.readSize]) as tf.Tensor3D;
    await expectNoLeaks(() => {
      const loss = lossOf(lru, initial);
      const gradients = tf.grads((c, m) =>
        loss({ controls: c, memory: m, readWeights: initial.readWeights, lossWeights }),
      )([controls, initial.memory]);
      tf.dispose(gradients);
    }, 'unroll with gradient');
    lossWeights.dispose();
    tf.dispose([flat, controls, ...Object.values(initial)]);
  });
});

describe('LRU memory: errors', () => {
  it('refuses bad configs, naming the option', () => {
    const base = { memorySize: 5, wordSize: 3, numReads: 2 };
    expect(() => createLruMemory({ ...base, memorySize: 0 })).toThrow(
      'LruMemoryConfig.memorySize must be a positive integer, got 0',
    );
    expect(() => createLruMemory({ ...base, wordSize: 1.5 })).toThrow(
      'LruMemoryConfig.wordSize must be a positive integer, got 1.5',
    );
    expect(() => createLruMemory({ ...base, numReads: 0 })).toThrow(
      'LruMemoryConfig.numReads must be a positive integer, got 0',
    );
    expect(() => createLruMemory({ ...base, numReads: 6 })).toThrow(
      'LruMemoryConfig.numReads must be at most memorySize (5)',
    );
    expect(() => createLruMemory({ ...base, usageDecay: 1.5 })).toThrow(
      'LruMemoryConfig.usageDecay must be in [0, 1], got 1.5',
    );
    expect(() => createLruMemory({ ...base, usageDecay: Number.NaN })).toThrow(RangeError);
    expect(() => lru.initialState(0)).toThrow(
      'LRU memory.initialState: batchSize must be a positive integer, got 0',
    );
  });

  it('refuses a state or control of the wrong shape, naming the memory and the argument', () => {
    tf.tidy(() => {
      const state = lru.initialState(2);
      const parsed = lru.parseControl(tf.zeros([2, lru.controlSize]));
      expect(() => lru.parseControl(tf.zeros([2, 9]))).toThrow(
        'LRU memory: control must have shape [2, 10], got [2, 9]',
      );
      expect(() => lru.write({ ...state, usage: tf.zeros([2, 4]) }, parsed)).toThrow(
        'LRU memory: state.usage must have shape [2, 5], got [2, 4]',
      );
      expect(() => lru.read({ ...state, readWeights: tf.zeros([2, 1, 5]) }, parsed)).toThrow(
        'LRU memory: state.readWeights must have shape [2, 2, 5], got [2, 1, 5]',
      );
      expect(() => lru.write({ ...state, memory: tf.zeros([2, 5, 4]) }, parsed)).toThrow(
        'LRU memory: state.memory must have shape [2, 5, 3], got [2, 5, 4]',
      );
      expect(() => lru.read(state, { ...parsed, keys: tf.zeros([1, 2, 3]) })).toThrow(
        'LRU memory: control.keys must have shape [2, 2, 3], got [1, 2, 3]',
      );
      expect(() => lru.write(state, { ...parsed, writeGates: tf.zeros([2, 2, 2]) })).toThrow(
        'LRU memory: control.writeGates must have shape [2, 2, 1], got [2, 2, 2]',
      );
    });
  });
});
