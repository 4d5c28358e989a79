import {
  decode,
  expectClose,
  expectGradientsMatch,
  expectNoLeaks,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/dnc.json' with { type: 'json' };
import {
  fixtureLoss,
  type LoadedMemoryFixture,
  loadMemoryFixture,
  unrollMemory,
} from './__fixtures__/memory-harness.js';
import { createDncMemory, DEFAULT_DNC_MEMORY_CONFIG, type DncState } from './dnc-memory.js';

const { batchSize, memorySize, wordSize, numReads } = fixture.sizes;
const config = { memorySize, wordSize, numReads };
const dnc = createDncMemory(config);
const STATE_NAMES = [
  'memory',
  'usage',
  'link',
  'precedence',
  'readWeights',
  'writeWeights',
] as const satisfies readonly (keyof DncState)[];

/** Frees a loaded fixture. */
function release(f: LoadedMemoryFixture<keyof DncState>): void {
  tf.dispose([f.controls, f.lossWeights, ...Object.values(f.initialState)]);
}

/** Loss of the fixture's unroll as a function of the controls and the initial state. */
function unrollLoss(lossWeights: tf.Tensor3D, steps: number) {
  return (inputs: Readonly<Record<string, tf.Tensor>>) => {
    const controls = tf.slice(inputs.controls as tf.Tensor3D, 0, steps);
    const state = Object.fromEntries(STATE_NAMES.map((name) => [name, inputs[name]])) as DncState;
    const { reads } = unrollMemory(dnc, state, controls);
    return fixtureLoss(reads, tf.slice(lossWeights, 0, steps));
  };
}

describe('DNC memory: contract', () => {
  it('has the interface vector of Graves et al. (R·W + 3W + 5R + 3) and reads R·W numbers', () => {
    expect(dnc.controlSize).toBe(2 * 3 + 3 * 3 + 5 * 2 + 3);
    expect(dnc.readSize).toBe(6);
    const wide = createDncMemory({ memorySize: 8, wordSize: 10, numReads: 1 });
    expect(wide.controlSize).toBe(10 + 30 + 5 + 3);
    expect(createDncMemory().controlSize).toBe(4 * 16 + 48 + 20 + 3);
    expect(DEFAULT_DNC_MEMORY_CONFIG).toEqual({ memorySize: 16, wordSize: 16, numReads: 4 });
  });

  it('parses every control part to [batchSize, heads, width], squashed', () => {
    tf.tidy(() => {
      const flat = tf.tile(tf.reshape(tf.linspace(-2, 2, dnc.controlSize), [1, -1]), [3, 1]);
      const control = dnc.parseControl(flat as tf.Tensor2D);
      const shapes = Object.fromEntries(Object.entries(control).map(([k, v]) => [k, v.shape]));
      expect(shapes).toEqual({
        readKeys: [3, 2, 3],
        readStrengths: [3, 2, 1],
        writeKey: [3, 1, 3],
        writeStrength: [3, 1, 1],
        eraseVector: [3, 1, 3],
        writeVector: [3, 1, 3],
        freeGates: [3, 2, 1],
        allocationGate: [3, 1, 1],
        writeGate: [3, 1, 1],
        readModes: [3, 2, 3],
      });
      // Strengths are oneplus (> 1), the modes of a head sum to 1, gates lie in (0, 1).
      expect(Math.min(...control.readStrengths.dataSync())).toBeGreaterThan(1);
      expectClose(tf.sum(control.readModes, 2), tf.ones([3, 2]), TOLERANCES.float32, 'modes');
      expect(Math.max(...control.freeGates.dataSync())).toBeLessThan(1);
    });
  });

  it('starts from an all-zero state of the documented shapes', () => {
    const state = dnc.initialState(4);
    const shapes = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      memory: [4, 5, 3],
      usage: [4, 5],
      link: [4, 5, 5],
      precedence: [4, 5],
      readWeights: [4, 2, 5],
      writeWeights: [4, 5],
    });
    for (const value of Object.values(state))
      expect(value.dataSync().every((v) => v === 0)).toBe(true);
    tf.dispose(state);
  });

  it('returns a state the caller owns, without disposing its inputs', () => {
    const state = dnc.initialState(batchSize);
    const flat = tf.ones([batchSize, dnc.controlSize]) as tf.Tensor2D;
    const control = dnc.parseControl(flat);
    const written = dnc.write(state, control);
    const read = dnc.read(written, control);
    tf.dispose([state, written]);
    expect(Object.values(read.state).some((t) => t.isDisposed)).toBe(false);
    expect(flat.isDisposed || Object.values(control).some((t) => t.isDisposed)).toBe(false);
    tf.dispose([flat, control, read.readVector, read.state]);
  });
});

describe('DNC memory: against the PyTorch reference (scripts/make-dnc-fixtures.py)', () => {
  it('reads, final state and loss match over 4 steps', () => {
    const f = loadMemoryFixture(fixture);
    tf.tidy(() => {
      const { reads, state } = unrollMemory(dnc, f.initialState as DncState, f.controls);
      expectClose(reads, decode(fixture.reads), TOLERANCES.reference, 'reads');
      for (const name of STATE_NAMES) {
        expectClose(state[name], decode(fixture.finalState[name]), TOLERANCES.reference, name);
      }
      expectClose(fixtureLoss(reads, f.lossWeights), fixture.loss, TOLERANCES.reference, 'loss');
    });
    release(f);
  });

  it('gradients w.r.t. the controls and every initial-state entry match', () => {
    const f = loadMemoryFixture(fixture);
    tf.tidy(() => {
      const loss = unrollLoss(f.lossWeights, fixture.reads.shape[0] ?? 0);
      const names = ['controls', ...STATE_NAMES] as const;
      const inputs = { controls: f.controls, ...f.initialState };
      const gradients = tf.grads((...xs: tf.Tensor[]) =>
        loss(Object.fromEntries(names.map((name, i) => [name, xs[i] as tf.Tensor]))),
      )(names.map((name) => inputs[name]));
      names.forEach((name, i) => {
        const expected = decode(fixture.gradients[name]);
        expectClose(gradients[i] as tf.Tensor, expected, TOLERANCES.reference, `d loss/d ${name}`);
      });
    });
    release(f);
  });

  it('gradients of a 2-step unroll match finite differences', () => {
    const f = loadMemoryFixture(fixture);
    tf.tidy(() => {
      const inputs = { controls: tf.slice(f.controls, 0, 2), ...f.initialState };
      const report = expectGradientsMatch(unrollLoss(f.lossWeights, 2), inputs, {
        exclude: ['link', 'precedence', 'readWeights', 'writeWeights'],
      });
      expect(report.checked).toBe(24 + 24 + 10);
    });
    release(f);
  });
});

describe('DNC memory: edge cases', () => {
  it('an all-zero memory and saturated controls (±30) give finite values and gradients', () => {
    tf.tidy(() => {
      const signs = tf.sign(tf.randomUniform([3, batchSize, dnc.controlSize], -1, 1, 'float32', 3));
      const controls = tf.mul(signs, 30) as tf.Tensor3D;
      const lossWeights = tf.randomUniform([3, batchSize, dnc.readSize], -1, 1, 'float32', 4);
      const initial = dnc.initialState(batchSize);
      const loss = unrollLoss(lossWeights as tf.Tensor3D, 3);
      const inputs = { controls, ...initial };
      const names = ['controls', ...STATE_NAMES] as const;
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) =>
        loss(Object.fromEntries(names.map((name, i) => [name, xs[i] as tf.Tensor]))),
      )(names.map((name) => inputs[name]));
      const { reads, state } = unrollMemory(dnc, initial, controls);
      for (const tensor of [value, reads, ...Object.values(state), ...grads]) {
        expect(tensor.dataSync().every(Number.isFinite)).toBe(true);
      }
    });
  });
});

describe('DNC memory: tensors and errors', () => {
  it('leaks nothing in parse/write/read nor in an unroll with its gradient', async () => {
    const f = loadMemoryFixture(fixture);
    await expectNoLeaks(() => {
      const flat = tf.tidy(() => tf.squeeze(tf.slice(f.controls, 0, 1), [0])) as tf.Tensor2D;
      const control = dnc.parseControl(flat);
      const written = dnc.write(f.initialState as DncState, control);
      const read = dnc.read(written, control);
      tf.dispose([flat, control, written, read.readVector, read.state]);
    }, 'parse/write/read');
    await expectNoLeaks(() => {
      const inputs = { controls: f.controls, ...f.initialState };
      const gradients = tf.grads((controls: tf.Tensor, memory: tf.Tensor) =>
        unrollLoss(f.lossWeights, 4)({ ...inputs, controls, memory }),
      )([f.controls, f.initialState.memory]);
      tf.dispose(gradients);
    }, 'unroll with gradient');
    release(f);
  });

  it('refuses bad configs, naming the option', () => {
    expect(() => createDncMemory({ memorySize: 0 })).toThrow(
      new RangeError('DncMemoryConfig.memorySize must be a positive integer, got 0'),
    );
    expect(() => createDncMemory({ wordSize: 2.5 })).toThrow(
      'DncMemoryConfig.wordSize must be a positive integer, got 2.5',
    );
    expect(() => createDncMemory({ numReads: 0 })).toThrow(
      'DncMemoryConfig.numReads must be a positive integer, got 0',
    );
    expect(() => dnc.initialState(0)).toThrow(
      'DNC memory.initialState: batchSize must be a positive integer, got 0',
    );
  });

  it('refuses a control or state of the wrong shape, naming the memory and the argument', () => {
    tf.tidy(() => {
      expect(() => dnc.parseControl(tf.zeros([2, 29]))).toThrow(
        'DNC memory: control must have shape [2, 28], got [2, 29]',
      );
      const state = dnc.initialState(2);
      const control = dnc.parseControl(tf.zeros([2, 28]));
      expect(() => dnc.write({ ...state, usage: tf.zeros([2, 4]) }, control)).toThrow(
        'DNC memory: state.usage must have shape [2, 5], got [2, 4]',
      );
      expect(() => dnc.read({ ...state, link: tf.zeros([2, 5, 4]) }, control)).toThrow(
        'DNC memory: state.link must have shape [2, 5, 5], got [2, 5, 4]',
      );
      expect(() => dnc.write(state, { ...control, writeKey: tf.zeros([2, 1, 4]) })).toThrow(
        'DNC memory: control.writeKey must have shape [2, 1, 3], got [2, 1, 4]',
      );
      const wrongBatch = dnc.parseControl(tf.zeros([3, 28]));
      expect(() => dnc.read(state, wrongBatch)).toThrow(
        'DNC memory: control.readKeys must have shape [2, 2, 3], got [3, 2, 3]',
      );
    });
  });
});
