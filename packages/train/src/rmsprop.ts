import * as tf from '@tensorflow/tfjs-core';
import {
  assignWithDecay,
  checkInRange,
  checkLearningRate,
  type Gradients,
  gradientFor,
  type Optimizer,
  zerosLikeEach,
} from './optimizer.js';
import type { TrainVariables } from './train-task.js';

/** Settings of `createRmsprop` (Tieleman & Hinton 2012, lecture 6.5). */
export interface RmspropConfig {
  /** `ρ`, decay of the running mean of squared gradients. */
  readonly decay: number;
  /** `ε`, added to `√v` (outside the root, as Keras and PyTorch do). */
  readonly epsilon: number;
  /** Decoupled weight decay `λ` applied after each step. */
  readonly weightDecay: number;
}

/** `ρ = 0.9` as in Tieleman & Hinton's lecture; `ε = 1e−8` as in PyTorch. */
export const DEFAULT_RMSPROP_CONFIG: RmspropConfig = {
  decay: 0.9,
  epsilon: 1e-8,
  weightDecay: 0,
};

/** RMSprop's state: the running mean of squared gradients by variable name. */
export type RmspropState = { readonly meanSquare: { readonly [name: string]: tf.Tensor } };

/**
 * RMSprop (Tieleman & Hinton 2012), the plain (uncentred) variant:
 *
 * ```
 * v ← ρ·v + (1 − ρ)·g²        (v₀ = 0)
 * θ ← θ − η·g / (√v + ε)
 * θ ← θ − λ·θ                 (weight decay, when λ > 0)
 * ```
 *
 * pSGLD (Li et al. 2016; Gan et al. 2017, Algorithm 1) uses the same `v` as its
 * preconditioner, which is why the state is a plain named tree.
 */
export function createRmsprop(config: Partial<RmspropConfig> = {}): Optimizer<RmspropState> {
  const { decay, epsilon, weightDecay } = { ...DEFAULT_RMSPROP_CONFIG, ...config };
  checkInRange(decay, 0, 1, 'createRmsprop: decay');
  checkInRange(epsilon, 0, Number.MAX_VALUE, 'createRmsprop: epsilon', true);
  checkInRange(weightDecay, 0, 1, 'createRmsprop: weightDecay');
  return {
    name: 'rmsprop',
    init: (variables: TrainVariables): RmspropState => ({ meanSquare: zerosLikeEach(variables) }),
    apply(
      variables: TrainVariables,
      gradients: Gradients,
      state: RmspropState,
      learningRate: number,
    ) {
      checkLearningRate(learningRate, 'rmsprop');
      return tf.tidy(() => {
        const meanSquare: { [name: string]: tf.Tensor } = {};
        for (const [name, variable] of Object.entries(variables)) {
          const gradient = gradientFor(name, variable, gradients);
          const v = state.meanSquare[name] ?? tf.zerosLike(variable);
          const nextV = tf.add(tf.mul(v, decay), tf.mul(tf.square(gradient), 1 - decay));
          const step = tf.div(tf.mul(gradient, learningRate), tf.add(tf.sqrt(nextV), epsilon));
          assignWithDecay(variable, tf.sub(variable, step), weightDecay);
          meanSquare[name] = nextV;
        }
        return { meanSquare };
      });
    },
  };
}
