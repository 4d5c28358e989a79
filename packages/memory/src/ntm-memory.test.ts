import {
  decode,
  expectClose,
  expectGradientsMatch,
  expectNoLeaks,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fixtureLoss, type MemoryFixture, unrollMemory } from './__fixtures__/memory-harness.js';
import {
  cases,
  fixtureState,
  GRAD_NAMES,
  type NtmFixture,
  SMALL,
  STATE_NAMES,
  type StateName,
  unrollGradients,
  unrollLoss,
} from './__fixtures__/ntm-test-helpers.js';
import { createNtmMemory, DEFAULT_NTM_MEMORY_CONFIG } from './ntm-memory.js';

describe('NTM memory contract', () => {
  it('sizes the control and read vectors from the config', () => {
    const memory = createNtmMemory(SMALL);
    // Write: W + 1 + 1 + 3 + 1 + W + W = 15; reads: R·(W + 1 + 1 + 3 + 1) = 18.
    expect(memory.controlSize).toBe(33);
    expect(memory.readSize).toBe(6);
    const defaults = createNtmMemory();
    expect(defaults.config).toEqual(DEFAULT_NTM_MEMORY_CONFIG);
    // W = 50, R = 1, s = 1: 50 + 1 + 1 + 3 + 1 + 50 + 50 + 50 + 1 + 1 + 3 + 1.
    expect(defaults.controlSize).toBe(212);
    expect(defaults.readSize).toBe(50);
    expect(createNtmMemory({ ...SMALL, shiftRange: 2 }).controlSize).toBe(33 + 2 + 2 * 2);
  });

  it('parses the flat control in layout order into [batchSize, heads, width] entries', () => {
    const memory = createNtmMemory(SMALL);
    tf.tidy(() => {
      // Column c of row b holds b + c / 100.
      const flat = tf.add(
        tf.reshape(tf.range(0, 2), [2, 1]),
        tf.mul(tf.range(0, 33), 0.01),
      ) as tf.Tensor2D;
      const control = memory.parseControl(flat);
      const shapes = Object.fromEntries(
        Object.entries(control).map(([name, t]) => [name, (t as tf.Tensor).shape]),
      );
      expect(shapes).toEqual({
        writeKey: [2, 1, 3],
        writeStrength: [2, 1, 1],
        writeGate: [2, 1, 1],
        writeShift: [2, 1, 3],
        writeSharpening: [2, 1, 1],
        erase: [2, 1, 3],
        add: [2, 1, 3],
        readKeys: [2, 2, 3],
        readStrengths: [2, 2, 1],
        readGates: [2, 2, 1],
        readShifts: [2, 2, 3],
        readSharpening: [2, 2, 1],
      });
      expectClose(control.writeKey, [0, 0.01, 0.02, 1, 1.01, 1.02], TOLERANCES.float32, 'key');
      // add is columns 12..14, readKeys 15..20; readSharpening of head 1 is column 32.
      expectClose(control.add, [0.12, 0.13, 0.14, 1.12, 1.13, 1.14], TOLERANCES.float32, 'add');
      expectClose(control.readKeys.slice([0, 1, 0], [1, 1, 3]), [0.18, 0.19, 0.2]);
      const oneplus = (x: number) => 1 + Math.log1p(Math.exp(x));
      expectClose(control.readSharpening.slice([0, 1, 0], [1, 1, 1]), [oneplus(0.32)]);
      expectClose(control.writeGate.slice([0, 0, 0], [1, 1, 1]), [1 / (1 + Math.exp(-0.04))]);
    });
  });

  it('starts from a zero memory with every head one-hot on slot 0', () => {
    const memory = createNtmMemory(SMALL);
    const state = memory.initialState(2);
    expect(state.memory.shape).toEqual([2, 5, 3]);
    expect(Array.from(state.memory.dataSync()).every((v) => v === 0)).toBe(true);
    const firstSlot = [1, 0, 0, 0, 0];
    expectClose(
      state.readWeights,
      [...Array(4)].flatMap(() => firstSlot),
      { rtol: 0, atol: 0 },
    );
    expect(state.readWeights.shape).toEqual([2, 2, 5]);
    expectClose(state.writeWeights, [...firstSlot, ...firstSlot], { rtol: 0, atol: 0 });
    expect(state.writeWeights.shape).toEqual([2, 1, 5]);
    tf.dispose(Object.values(state));
  });
});

describe('NTM memory against the float64 PyTorch reference', () => {
  for (const fixture of cases) {
    const { shiftRange, numReads } = fixture.config;
    it(`matches reads, final state and gradients (shiftRange ${shiftRange}, numReads ${numReads})`, () => {
      const memory = createNtmMemory(fixture.config);
      const { state, controls, lw } = fixtureState(fixture);
      tf.tidy(() => {
        const unrolled = unrollMemory(memory, state, controls);
        expectClose(unrolled.reads, decode(fixture.reads), TOLERANCES.reference, 'reads');
        for (const name of STATE_NAMES) {
          const expected = decode(fixture.finalState[name]);
          expectClose(unrolled.state[name], expected, TOLERANCES.reference, `state.${name}`);
        }
        expectClose(fixtureLoss(unrolled.reads, lw), fixture.loss, TOLERANCES.reference, 'loss');
        const grads = unrollGradients(memory, lw, { controls, ...state });
        GRAD_NAMES.forEach((name, i) => {
          const expected = decode(fixture.gradients[name] as MemoryFixture<StateName>['reads']);
          expectClose(grads[i] as tf.Tensor, expected, TOLERANCES.reference, `d loss/d ${name}`);
        });
      });
      tf.dispose([controls, lw, ...Object.values(state)]);
    });
  }

  it('agrees with finite differences over a two-step unroll (controls, initial memory)', () => {
    const fixture = cases[0] as NtmFixture;
    const memory = createNtmMemory(fixture.config);
    const { state, controls, lw } = fixtureState(fixture);
    const twoSteps = tf.tidy(() => ({
      controls: controls.slice([0, 0, 0], [2, -1, -1]),
      lossWeights: lw.slice([0, 0, 0], [2, -1, -1]),
    }));
    const report = expectGradientsMatch(
      unrollLoss(memory, twoSteps.lossWeights),
      { controls: twoSteps.controls, ...state },
      { exclude: ['readWeights', 'writeWeights'], maxElementsPerInput: 40 },
    );
    expect(report.checked).toBe(40 + 30);
    tf.dispose([controls, lw, twoSteps.controls, twoSteps.lossWeights, ...Object.values(state)]);
  });
});

describe('NTM memory tensor hygiene', () => {
  it('leaks nothing from parse, write and read, which return new handles of the same shapes', async () => {
    const memory = createNtmMemory(SMALL);
    const state = memory.initialState(2);
    const flat = tf.ones([2, 33]) as tf.Tensor2D;
    await expectNoLeaks(() => {
      const control = memory.parseControl(flat);
      const written = memory.write(state, control);
      const read = memory.read(written, control);
      expect(read.readVector.shape).toEqual([2, 6]);
      for (const name of STATE_NAMES) {
        expect(written[name].shape).toEqual(state[name].shape);
        expect(read.state[name].shape).toEqual(state[name].shape);
        expect(read.state[name]).not.toBe(written[name]);
      }
      tf.dispose([
        ...Object.values(control),
        ...Object.values(written),
        read.readVector,
        ...Object.values(read.state),
      ]);
    }, 'parse/write/read');
    expect(state.memory.isDisposed || flat.isDisposed).toBe(false);
    tf.dispose([flat, ...Object.values(state)]);
  });

  it('leaks nothing from an unroll with its gradient', async () => {
    const fixture = cases[0] as NtmFixture;
    const memory = createNtmMemory(fixture.config);
    const { state, controls, lw } = fixtureState(fixture);
    const loss = unrollLoss(memory, lw);
    await expectNoLeaks(() => {
      const grads = tf.grads((c: tf.Tensor, m: tf.Tensor) =>
        loss({ ...state, controls: c, memory: m }),
      )([controls, state.memory]);
      tf.dispose(grads);
    }, 'unroll gradient');
    tf.dispose([controls, lw, ...Object.values(state)]);
  });
});

describe('NTM memory errors', () => {
  it('refuses bad configs, naming the option', () => {
    expect(() => createNtmMemory({ ...SMALL, memorySize: 0 })).toThrow(
      'NtmMemoryConfig.memorySize must be a positive integer, got 0',
    );
    expect(() => createNtmMemory({ ...SMALL, wordSize: 2.5 })).toThrow(
      'NtmMemoryConfig.wordSize must be a positive integer, got 2.5',
    );
    expect(() => createNtmMemory({ ...SMALL, numReads: 0 })).toThrow(RangeError);
    expect(() => createNtmMemory({ ...SMALL, numReads: 0 })).toThrow('NtmMemoryConfig.numReads');
    expect(() => createNtmMemory({ ...SMALL, shiftRange: 3 })).toThrow(
      'NtmMemoryConfig.shiftRange must be an integer ≥ 0 with 2·shiftRange + 1 ≤ memorySize (5), got 3',
    );
    expect(() => createNtmMemory({ ...SMALL, shiftRange: -1 })).toThrow(
      'NtmMemoryConfig.shiftRange',
    );
    expect(() => createNtmMemory({ ...SMALL, shiftRange: 0.5 })).toThrow(RangeError);
    expect(createNtmMemory({ ...SMALL, shiftRange: 0 }).controlSize).toBe(33 - 2 - 2 * 2);
    expect(createNtmMemory({ ...SMALL, shiftRange: 2 }).config.shiftRange).toBe(2);
  });

  it('refuses a bad batch size, control or state shape, naming the memory and argument', () => {
    const memory = createNtmMemory(SMALL);
    expect(() => memory.initialState(0)).toThrow(
      'NTM memory.initialState: batchSize must be a positive integer, got 0',
    );
    const state = memory.initialState(2);
    tf.tidy(() => {
      expect(() => memory.parseControl(tf.zeros([2, 32]))).toThrow(
        'NTM memory: control must have shape [2, 33], got [2, 32]',
      );
      const control = memory.parseControl(tf.zeros([2, 33]));
      expect(() => memory.write({ ...state, memory: tf.zeros([2, 5, 4]) }, control)).toThrow(
        'NTM memory: state.memory must have shape [2, 5, 3], got [2, 5, 4]',
      );
      expect(() => memory.read({ ...state, readWeights: tf.zeros([2, 1, 5]) }, control)).toThrow(
        'NTM memory: state.readWeights must have shape [2, 2, 5], got [2, 1, 5]',
      );
      expect(() => memory.write({ ...state, writeWeights: tf.zeros([2, 2, 5]) }, control)).toThrow(
        'NTM memory: state.writeWeights must have shape [2, 1, 5], got [2, 2, 5]',
      );
      expect(() => memory.read(state, { ...control, readShifts: tf.zeros([2, 2, 5]) })).toThrow(
        'NTM memory: control.readShifts must have shape [2, 2, 3], got [2, 2, 5]',
      );
      expect(() => memory.write(state, { ...control, erase: tf.zeros([1, 1, 3]) })).toThrow(
        'NTM memory: control.erase must have shape [2, 1, 3], got [1, 1, 3]',
      );
    });
    tf.dispose(Object.values(state));
  });
});
