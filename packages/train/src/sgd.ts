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

/** Settings of `createSgd`. */
export interface SgdConfig {
  /** Heavy-ball momentum `μ` in `[0, 1)`; 0 is plain SGD (Zaremba et al. 2014). */
  readonly momentum: number;
  /** Decoupled weight decay `λ` applied after each step (Gal & Ghahramani: 1e−7 for large). */
  readonly weightDecay: number;
}

/** Plain SGD, as in the Zaremba / Gal PTB recipes. */
export const DEFAULT_SGD_CONFIG: SgdConfig = { momentum: 0, weightDecay: 0 };

/** SGD's state: velocity buffers by variable name (empty without momentum). */
export type SgdState = { readonly velocity: { readonly [name: string]: tf.Tensor } };

/**
 * Stochastic gradient descent, with optional heavy-ball momentum (PyTorch's form):
 *
 * ```
 * b ← μ·b + g          (only when μ > 0; b₀ = 0)
 * θ ← θ − η·b          (θ − η·g when μ = 0)
 * θ ← θ − λ·θ          (weight decay, when λ > 0)
 * ```
 */
export function createSgd(config: Partial<SgdConfig> = {}): Optimizer<SgdState> {
  const { momentum, weightDecay } = { ...DEFAULT_SGD_CONFIG, ...config };
  checkInRange(momentum, 0, 1, 'createSgd: momentum');
  checkInRange(weightDecay, 0, 1, 'createSgd: weightDecay');
  return {
    name: 'sgd',
    init: (variables: TrainVariables): SgdState => ({
      velocity: momentum > 0 ? zerosLikeEach(variables) : {},
    }),
    apply(variables: TrainVariables, gradients: Gradients, state: SgdState, learningRate: number) {
      checkLearningRate(learningRate, 'sgd');
      return tf.tidy(() => {
        const velocity: { [name: string]: tf.Tensor } = {};
        for (const [name, variable] of Object.entries(variables)) {
          const gradient = gradientFor(name, variable, gradients);
          const previous = state.velocity[name];
          const direction =
            momentum > 0 && previous !== undefined
              ? tf.add(tf.mul(previous, momentum), gradient)
              : gradient;
          if (momentum > 0) velocity[name] = direction;
          assignWithDecay(variable, tf.sub(variable, tf.mul(direction, learningRate)), weightDecay);
        }
        return { velocity };
      });
    },
  };
}
