import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { RngKey } from './rng-key.js';
import type { NamedTensorTree } from './tensor-tree.js';
import type { WeightSpecs, Weights } from './weights.js';

/** What a cell is told at the start of a truncated-BPTT window. */
export interface WindowOptions {
  /** Key for everything random in the window (e.g. dropout masks fixed for the window). */
  readonly key: RngKey;
  /** Rows in each input of the window. */
  readonly batchSize: number;
  /** Training draws masks; evaluation (unless MC evaluation asks otherwise) does not. */
  readonly training: boolean;
}

/** One step's result: the output fed upward and the new state (same structure as the input state). */
export interface CellStepResult<State extends NamedTensorTree> {
  /** `[batchSize, outputSize]` */
  readonly output: Tensor2D;
  readonly state: State;
}

/**
 * A recurrent cell. It never owns weights: it declares `weightSpecs` and `step` takes the
 * weights as an argument, so the same cell runs on point weights, a posterior draw, an MCMC
 * sample or a sharpened draw without knowing which.
 *
 * @typeParam Name - the weight names, e.g. `'kernel' | 'bias'`.
 * @typeParam State - the named recurrent state, e.g. `{ h: Tensor2D; c: Tensor2D }`.
 * @typeParam Window - per-window context (dropout masks, ...), made by `startWindow`.
 */
export interface Cell<
  Name extends string = string,
  State extends NamedTensorTree = NamedTensorTree,
  Window = undefined,
> {
  /** `inputSize`: columns of each step's input. */
  readonly inputSize: number;
  /** Columns of each step's output. */
  readonly outputSize: number;
  /** Name → shape and initialiser of every weight `step` reads. */
  readonly weightSpecs: WeightSpecs<Name>;
  /** The zero (or learned-free) state for `batchSize` sequences. The caller owns it. */
  initialState(batchSize: number): State;
  /**
   * Per-window context, drawn once per truncated window (masks fixed across its time steps).
   * Cells without randomness return `undefined`.
   */
  startWindow(options: WindowOptions): Window;
  /**
   * One time step: `input` is `[batchSize, inputSize]`. Returns a new state of the same
   * structure; never disposes its inputs.
   */
  step(
    weights: Weights<Name>,
    input: Tensor2D,
    state: State,
    window: Window,
  ): CellStepResult<State>;
}
