import type { NamedTensorTree, RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainVariables } from './train-task.js';

/** Gradients by variable name (the names of `TrainVariables`), each shaped like its variable. */
export type Gradients = { readonly [name: string]: tf.Tensor };

/**
 * A first-order optimiser as a pure transition on a named tensor tree, so its state
 * checkpoints exactly (every leaf is a tensor with a stable path such as `firstMoment/kernel`)
 * and SG-MCMC samplers (pSGLD's RMSprop preconditioner) can reuse it.
 *
 * `apply` updates the variables in place with `assign` and returns the next state; it never
 * disposes its inputs, so the caller disposes the old state after the call. A variable with no
 * entry in `gradients` (the loss does not reach it) is stepped with a zero gradient.
 *
 * @typeParam State - the optimiser's tree, e.g. `{count, firstMoment: {…}, secondMoment: {…}}`.
 */
export interface Optimizer<State extends NamedTensorTree = NamedTensorTree> {
  /** `'sgd'`, `'adam'`, `'rmsprop'`: stored in checkpoints and checked on resume. */
  readonly name: string;
  /** The state before the first step (zeros), shaped after `variables`. The caller owns it. */
  init(variables: TrainVariables): State;
  /**
   * One step `θ ← update(θ, g, state, learningRate)`; returns the next state (caller owns).
   * `key` is the step's own key (`foldIn(windowKey, 'update')` in `train`): stochastic updates
   * (SG-MCMC samplers) draw their noise from it, so a resumed run repeats them exactly.
   */
  apply(
    variables: TrainVariables,
    gradients: Gradients,
    state: State,
    learningRate: number,
    key?: RngKey,
    gradientScale?: number,
  ): State;
  /**
   * `true` when `apply` multiplies every gradient by its `gradientScale` argument itself, as
   * `tf.mul(gradient, gradientScale)` would (bit for bit), before using it. The training step
   * then hands a clipped step the raw gradients and global-norm clipping's factor, and no
   * scaled copy of every gradient is written (Adam's fused kernel takes it in its one pass).
   * Without it, `apply` gets gradients already scaled and no `gradientScale`.
   */
  readonly acceptsGradientScale?: boolean;
}

/** The optimiser state a trainer holds without knowing which optimiser made it. */
export type OptimizerState = NamedTensorTree;

/** Throws unless `learningRate` is finite and non-negative. */
export function checkLearningRate(learningRate: number, who: string): void {
  if (!(Number.isFinite(learningRate) && learningRate >= 0)) {
    throw new RangeError(`${who}: learning rate must be finite and ≥ 0, got ${learningRate}`);
  }
}

/** Throws unless `value` is a finite number in `[low, high)` (or `[low, high]` if `closed`). */
export function checkInRange(
  value: number,
  low: number,
  high: number,
  what: string,
  closed = false,
): void {
  const ok = Number.isFinite(value) && value >= low && (closed ? value <= high : value < high);
  if (!ok) {
    const range = `[${low}, ${high}${closed ? ']' : ')'}`;
    throw new RangeError(`${what} must be in ${range}, got ${value}`);
  }
}

/**
 * The gradient of variable `name`: the given one (its shape checked) or zeros when the loss
 * did not reach the variable. Call inside `tf.tidy`.
 */
export function gradientFor(name: string, variable: tf.Variable, gradients: Gradients): tf.Tensor {
  const gradient = gradients[name];
  if (gradient === undefined) return tf.zerosLike(variable);
  const same =
    gradient.shape.length === variable.shape.length &&
    gradient.shape.every((size, axis) => size === variable.shape[axis]);
  if (!same) {
    throw new Error(
      `gradient of "${name}" has shape [${gradient.shape.join(',')}], ` +
        `variable has [${variable.shape.join(',')}]`,
    );
  }
  return gradient;
}

/**
 * Assigns `stepped` to `variable`, shrunk by decoupled weight decay as in Gal & Ghahramani's
 * code: `θ ← θ' − λ·θ'` after the optimiser step `θ'` (not scaled by the learning rate).
 * Call inside `tf.tidy`.
 */
export function assignWithDecay(
  variable: tf.Variable,
  stepped: tf.Tensor,
  weightDecay: number,
): void {
  variable.assign(weightDecay === 0 ? stepped : tf.mul(stepped, 1 - weightDecay));
}

/** Zeros shaped like each variable, by name: the usual initial moment estimates. */
export function zerosLikeEach(variables: TrainVariables): { [name: string]: tf.Tensor } {
  const zeros: { [name: string]: tf.Tensor } = {};
  for (const [name, variable] of Object.entries(variables)) zeros[name] = tf.zerosLike(variable);
  return zeros;
}
