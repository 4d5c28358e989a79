/**
 * Test-only: the tests every fixture-backed recurrent cell runs (LSTM, GRU), registered with
 * vitest by `describeRecurrentCell`: PyTorch values and gradients, finite-difference gradients
 * under every dropout setting, saturated gates, per-gate masks against a JS reference, and
 * tensor ownership. The cell's own test file adds what is particular to the cell.
 */
import { createKey } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  disposeRecurrentDropoutWindow,
  type RecurrentDropoutWindow,
  type VariationalDropoutConfig,
} from '../recurrent-dropout.js';
import {
  expectFiniteDifferenceGradients,
  expectGradientsClose,
  expectMatchesFixture,
  expectSaturatedFinite,
  expectStepLeavesOnlyItsResult,
  expectStepsMatchReference,
  type ReferenceStep,
  type TestKit,
} from './cell-checks.js';
import { type CellFixture, type LoadedCell, loadCellFixture, releaseCell } from './harness.js';
import {
  type CellState,
  gradientInputs,
  NO_MASKS,
  namedLoss,
  type RecurrentCell,
} from './named-loss.js';
import type { GateMasks, Matrix } from './reference-cells.js';
import { expectWindowMatchesSteps } from './window-checks.js';

/** The dropout settings every cell's finite-difference gradient check runs under. */
export const DROPOUT_CASES = [
  { name: 'no dropout', dropout: undefined },
  { name: 'tied masks', dropout: { input: 0.4, recurrent: 0.3, tied: true } },
  { name: 'untied masks', dropout: { input: 0.4, recurrent: 0.3, tied: false } },
  { name: 'untied input masks only', dropout: { input: 0.4, recurrent: 0, tied: false } },
] as const;

/** What `describeRecurrentCell` needs to know about a cell. */
export interface RecurrentCellSuite<Name extends string, State extends CellState> {
  /** The cell's name in test titles, e.g. `'GRU cell'`. */
  readonly cellName: string;
  /** What the fixture was computed with, e.g. `'torch.nn.GRUCell'`. */
  readonly referenceName: string;
  readonly fixture: CellFixture<Name, keyof State & string>;
  /** The cell at the fixture's sizes, with `dropout` if given. */
  readonly create: (dropout?: VariationalDropoutConfig) => RecurrentCell<Name, State>;
  /** Masks per input when untied (LSTM 4, GRU 3). */
  readonly gates: number;
  /** The float64 JS reference step of the cell for these weights and per-gate masks. */
  readonly referenceStep: (weights: Weights<Name>, zx: GateMasks, zh: GateMasks) => ReferenceStep;
  /** The window keys of the finite-difference, saturation and mask tests. */
  readonly keys: { readonly gradients: number; readonly saturated: number; readonly masks: number };
  /** `@bayesrnn/testing`, passed by the test file. */
  readonly kit: TestKit;
}

/**
 * A cell's masks as per-gate matrices for the JS references: the `gates` slices of an untied
 * mask `[gates, batchSize, size]`, or the tied mask `[batchSize, size]` once per gate.
 */
export function gateMatrices(mask: tf.Tensor | undefined, gates: number): Matrix[] {
  if (!mask) throw new Error('expected a mask');
  const values = mask.arraySync() as Matrix | Matrix[];
  return mask.rank === 3
    ? (values as Matrix[])
    : Array.from({ length: gates }, () => values as Matrix);
}

/** What the `describe` blocks of one suite share. */
interface SuiteContext<Name extends string, State extends CellState> {
  readonly suite: RecurrentCellSuite<Name, State>;
  readonly batchSize: number;
  /** A fresh `LoadedCell` of the fixture; the caller releases it. */
  readonly load: () => LoadedCell<Name, State>;
  /** Runs `check` on a fresh fixture and a training window of `cell`, then frees both. */
  readonly withWindow: (
    cell: RecurrentCell<Name, State>,
    key: number,
    check: (f: LoadedCell<Name, State>, window: RecurrentDropoutWindow) => void | Promise<void>,
  ) => Promise<void>;
}

/** Registers the shared tests of a recurrent cell (see the file's comment). */
export function describeRecurrentCell<Name extends string, State extends CellState>(
  suite: RecurrentCellSuite<Name, State>,
): void {
  const { batchSize } = suite.fixture.sizes;
  const load = () => loadCellFixture(suite.fixture) as unknown as LoadedCell<Name, State>;
  const context: SuiteContext<Name, State> = {
    suite,
    batchSize,
    load,
    withWindow: async (cell, key, check) => {
      const f = load();
      const window = cell.startWindow({ key: createKey(key), batchSize, training: true });
      await check(f, window);
      disposeRecurrentDropoutWindow(window);
      releaseCell(f);
    },
  };
  describeFixtureTests(context);
  describeGradientTests(context);
  describeMaskTests(context);
  describeOwnershipTests(context);
  describeWindowTests(context);
}

/** The whole-window fast path against stepping, under every dropout setting. */
function describeWindowTests<Name extends string, State extends CellState>({
  suite,
  withWindow,
}: SuiteContext<Name, State>): void {
  describe(`${suite.cellName} runWindow (whole window) against step by step`, () => {
    for (const { name, dropout } of DROPOUT_CASES) {
      it(`${name}: same outputs, last state and gradients; leaks nothing`, async () => {
        const cell = suite.create(dropout);
        await withWindow(cell, suite.keys.gradients, (f, window) =>
          expectWindowMatchesSteps(suite.kit, cell, f, window),
        );
      });
    }
  });
}

/** Without dropout: values, loss and gradients against the PyTorch fixture. */
function describeFixtureTests<Name extends string, State extends CellState>({
  suite,
  load,
}: SuiteContext<Name, State>): void {
  const { cellName, fixture, kit } = suite;
  const plain = suite.create();
  describe(`${cellName} against ${suite.referenceName} (float64 fixture)`, () => {
    const names = Object.keys(fixture.initialState).join(' and ');
    it(`matches ${names} at every step and the loss`, () => {
      const f = load();
      expectMatchesFixture(kit, plain, fixture, f);
      releaseCell(f);
    });

    it('matches the gradients w.r.t. every weight, the inputs and the initial state', () => {
      const f = load();
      const loss = namedLoss(plain, f, NO_MASKS);
      expectGradientsClose(kit, loss, gradientInputs(f), fixture.gradients);
      releaseCell(f);
    });
  });
}

/** Finite-difference gradients under every dropout setting, and saturated gates. */
function describeGradientTests<Name extends string, State extends CellState>({
  suite,
  withWindow,
}: SuiteContext<Name, State>): void {
  const { keys } = suite;
  describe(`${suite.cellName} gradients (finite differences)`, () => {
    for (const { name, dropout } of DROPOUT_CASES) {
      it(`${name}: analytic gradients match (masks are constants of the window)`, async () => {
        const cell = suite.create(dropout);
        await withWindow(cell, keys.gradients, (f, window) => {
          expect(window.inputMask !== undefined).toBe(dropout !== undefined);
          expectFiniteDifferenceGradients(suite.kit, cell, f, window);
        });
      });
    }

    it('saturated gates (pre-activations ~ ±1e3): finite values and gradients', async () => {
      const cell = suite.create({ input: 0.2, recurrent: 0.2, tied: false });
      await withWindow(cell, keys.saturated, (f, window) => expectSaturatedFinite(cell, f, window));
    });
  });
}

/** Tied and untied masks: every step against the cell's float64 JS reference. */
function describeMaskTests<Name extends string, State extends CellState>({
  suite,
  batchSize,
  withWindow,
}: SuiteContext<Name, State>): void {
  const { gates } = suite;
  describe(`${suite.cellName} with dropout masks (against a float64 JS reference)`, () => {
    for (const tied of [true, false]) {
      it(`${tied ? 'tied' : 'untied'}: gate g sees x ⊙ z_x^g and h ⊙ z_h^g; the carried state is not masked`, async () => {
        const cell = suite.create({ input: 0.5, recurrent: 0.5, tied });
        const perGate = (mask: tf.Tensor | undefined, size: number) => {
          expect(mask?.shape).toEqual(tied ? [batchSize, size] : [gates, batchSize, size]);
          return gateMatrices(mask, gates);
        };
        await withWindow(cell, suite.keys.masks, (f, window) => {
          const zx = perGate(window.inputMask, cell.inputSize);
          const zh = perGate(window.recurrentMask, cell.outputSize);
          expect(zx[0]).not.toEqual(tied ? undefined : zx[1]);
          const reference = suite.referenceStep(f.weights, zx, zh);
          expectStepsMatchReference(suite.kit, cell, f, window, reference);
        });
      });
    }
  });
}

/** A step and a window leave exactly the tensors the caller owns. */
function describeOwnershipTests<Name extends string, State extends CellState>({
  suite,
  batchSize,
  withWindow,
}: SuiteContext<Name, State>): void {
  const { kit } = suite;
  describe(`${suite.cellName} tensor ownership`, () => {
    it('leaks nothing: a step leaves exactly its output and state; startWindow its masks', async () => {
      const cell = suite.create({ input: 0.3, recurrent: 0.3, tied: false });
      await withWindow(cell, 2, (f, window) => expectStepLeavesOnlyItsResult(kit, cell, f, window));
      for (const training of [true, false]) {
        const window = () => cell.startWindow({ key: createKey(3), batchSize, training });
        const made = await kit.countNewTensors(() => disposeRecurrentDropoutWindow(window()));
        expect(made).toBe(0);
      }
    });
  });
}
