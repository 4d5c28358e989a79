import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
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
  /**
   * Optional fast path for a whole window: the result of calling `step` for every time step in
   * order (up to float rounding), `inputs` `[batchSize, steps, inputSize]` → `outputs`
   * `[batchSize, steps, outputSize]` and the last state. A cell implements it when work can
   * leave the per-step path, e.g. the input projection of every step in one matmul. Callers
   * use it when present and fall back to `step`. Never disposes its inputs.
   */
  runWindow?(
    weights: Weights<Name>,
    inputs: Tensor3D,
    state: State,
    window: Window,
  ): CellWindowResult<State>;
}

/** A whole window's result: every step's output, stacked in time, and the last state. */
export interface CellWindowResult<State extends NamedTensorTree> {
  /** `[batchSize, steps, outputSize]` */
  readonly outputs: Tensor3D;
  readonly state: State;
}
