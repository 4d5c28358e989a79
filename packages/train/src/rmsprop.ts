import type { RngKey } from '@bayesrnn/spec';
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
import { rmspropUpdate } from './rmsprop-update.js';
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
 *
 * On the wasm backend each weight's update is one fused SIMD kernel (`rmsprop-update.ts`), bit
 * for bit the composed ops other backends run. Like Adam it takes global-norm clipping's scale
 * itself (`acceptsGradientScale`), so a clipped step writes no scaled copy of the gradients.
 */
export function createRmsprop(config: Partial<RmspropConfig> = {}): Optimizer<RmspropState> {
  const { decay, epsilon, weightDecay } = { ...DEFAULT_RMSPROP_CONFIG, ...config };
  checkInRange(decay, 0, 1, 'createRmsprop: decay');
  checkInRange(epsilon, 0, Number.MAX_VALUE, 'createRmsprop: epsilon', true);
  checkInRange(weightDecay, 0, 1, 'createRmsprop: weightDecay');
  return {
    name: 'rmsprop',
    acceptsGradientScale: true,
    init: (variables: TrainVariables): RmspropState => ({ meanSquare: zerosLikeEach(variables) }),
    apply(
      variables: TrainVariables,
      gradients: Gradients,
      state: RmspropState,
      learningRate: number,
      _key?: RngKey,
      gradientScale = 1,
    ) {
      checkLearningRate(learningRate, 'rmsprop');
      return tf.tidy(() => {
        const meanSquare: { [name: string]: tf.Tensor } = {};
        for (const [name, variable] of Object.entries(variables)) {
          const gradient = gradientFor(name, variable, gradients);
          const v = state.meanSquare[name] ?? tf.zerosLike(variable);
          const update = rmspropUpdate(variable, gradient, v, {
            decay,
            epsilon,
            learningRate,
            gradientScale,
          });
          assignWithDecay(variable, update.stepped, weightDecay);
          meanSquare[name] = update.meanSquare;
        }
        return { meanSquare };
      });
    },
  };
}
