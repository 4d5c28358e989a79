/**
 * Test-only helpers of the NTM memory's test files: its fixture cases, the unroll's loss and
 * gradients, and controls built by name.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type NtmControl,
  type NtmControlName,
  type NtmMemory,
  type NtmMemoryConfig,
  type NtmState,
  ntmControlLayout,
} from '../ntm-memory.js';
import {
  fixtureLoss,
  loadMemoryFixture,
  type MemoryFixture,
  unrollMemory,
} from './memory-harness.js';
import fixtures from './ntm.json' with { type: 'json' };

export type StateName = keyof NtmState;
export type NtmFixture = MemoryFixture<StateName> & { readonly config: NtmMemoryConfig };
export const cases: readonly NtmFixture[] = fixtures.cases;
export const STATE_NAMES: readonly StateName[] = ['memory', 'readWeights', 'writeWeights'];
export const SMALL = { memorySize: 5, wordSize: 3, numReads: 2, shiftRange: 1 } as const;

/** The fixture's initial state as an `NtmState`. The caller owns the tensors. */
export function fixtureState(fixture: NtmFixture): {
  state: NtmState;
  controls: tf.Tensor3D;
  lw: tf.Tensor3D;
} {
  const loaded = loadMemoryFixture(fixture);
  const { memory, readWeights, writeWeights } = loaded.initialState;
  const state = { memory, readWeights, writeWeights } as NtmState;
  return { state, controls: loaded.controls, lw: loaded.lossWeights };
}

/** Loss of the fixture's unroll as a function of its controls and initial state. */
export function unrollLoss(memory: NtmMemory, lossWeights: tf.Tensor3D) {
  return (inputs: Readonly<Record<string, tf.Tensor>>): tf.Scalar => {
    const state = {
      memory: inputs.memory,
      readWeights: inputs.readWeights,
      writeWeights: inputs.writeWeights,
    } as NtmState;
    const { reads } = unrollMemory(memory, state, inputs.controls as tf.Tensor3D);
    return fixtureLoss(reads, lossWeights);
  };
}

export const GRAD_NAMES = ['controls', ...STATE_NAMES] as const;

/** d loss / d controls and d loss / d each initial-state entry, in `GRAD_NAMES` order. */
export function unrollGradients(
  memory: NtmMemory,
  lossWeights: tf.Tensor3D,
  inputs: NtmState & { readonly controls: tf.Tensor3D },
): tf.Tensor[] {
  const loss = unrollLoss(memory, lossWeights);
  return tf.grads((...xs: tf.Tensor[]) =>
    loss(Object.fromEntries(GRAD_NAMES.map((n, i) => [n, xs[i] as tf.Tensor]))),
  )(GRAD_NAMES.map((n) => inputs[n]));
}

/** A control whose named entries are given and whose other entries are zeros. */
export function makeControl(
  memory: NtmMemory,
  batchSize: number,
  values: Partial<Record<NtmControlName, number[][][]>>,
): NtmControl {
  const layout = ntmControlLayout(memory.config);
  const names = Object.keys(layout) as NtmControlName[];
  const entries = names.map((name) => {
    const given = values[name];
    const { heads, width } = layout[name];
    return [name, given ? tf.tensor3d(given) : tf.zeros([batchSize, heads, width])];
  });
  return Object.fromEntries(entries) as NtmControl;
}

export const allFinite = (tensors: readonly tf.Tensor[]) =>
  tensors.every((t) => Array.from(t.dataSync()).every(Number.isFinite));
