import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from './adam-update.js';
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

/** Settings of `createAdam` (Kingma & Ba 2015, Algorithm 1). */
export interface AdamConfig {
  /** `β₁`, decay of the first-moment estimate. */
  readonly beta1: number;
  /** `β₂`, decay of the second-moment estimate. */
  readonly beta2: number;
  /** `ε`, added to `√v̂` so the step stays bounded where gradients vanish. */
  readonly epsilon: number;
  /** Decoupled weight decay `λ` applied after each step. */
  readonly weightDecay: number;
}

/** Kingma & Ba's suggested defaults (§2, Algorithm 1). */
export const DEFAULT_ADAM_CONFIG: AdamConfig = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
};

/** Adam's state: the step count `t` (a float32 scalar) and both moments by variable name. */
export type AdamState = {
  readonly count: tf.Scalar;
  readonly firstMoment: { readonly [name: string]: tf.Tensor };
  readonly secondMoment: { readonly [name: string]: tf.Tensor };
};

/**
 * Adam with bias correction (Kingma & Ba 2015, Algorithm 1):
 *
 * ```
 * t ← t + 1
 * m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 * m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
 * θ ← θ − η·m̂ / (√v̂ + ε)
 * θ ← θ − λ·θ                     (weight decay, when λ > 0)
 * ```
 *
 * On the wasm backend each weight's update is one fused SIMD kernel (`adam-update.ts`), bit
 * for bit the composed ops other backends run. It takes global-norm clipping's scale itself
 * (`acceptsGradientScale`), so a clipped step writes no scaled copy of the gradients.
 */
export function createAdam(config: Partial<AdamConfig> = {}): Optimizer<AdamState> {
  const { beta1, beta2, epsilon, weightDecay } = { ...DEFAULT_ADAM_CONFIG, ...config };
  checkInRange(beta1, 0, 1, 'createAdam: beta1');
  checkInRange(beta2, 0, 1, 'createAdam: beta2');
  checkInRange(epsilon, 0, Number.MAX_VALUE, 'createAdam: epsilon', true);
  checkInRange(weightDecay, 0, 1, 'createAdam: weightDecay');
  return {
    name: 'adam',
    acceptsGradientScale: true,
    init: (variables: TrainVariables): AdamState => ({
      count: tf.scalar(0),
      firstMoment: zerosLikeEach(variables),
      secondMoment: zerosLikeEach(variables),
    }),
    apply(
      variables: TrainVariables,
      gradients: Gradients,
      state: AdamState,
      learningRate: number,
      _key?: RngKey,
      gradientScale = 1,
    ) {
      checkLearningRate(learningRate, 'adam');
      return tf.tidy(() => {
        const count = tf.add(state.count, 1) as tf.Scalar;
        const correction1 = tf.sub(1, tf.pow(beta1, count)) as tf.Scalar;
        const correction2 = tf.sub(1, tf.pow(beta2, count)) as tf.Scalar;
        const firstMoment: { [name: string]: tf.Tensor } = {};
        const secondMoment: { [name: string]: tf.Tensor } = {};
        for (const [name, variable] of Object.entries(variables)) {
          const gradient = gradientFor(name, variable, gradients);
          const m = state.firstMoment[name] ?? tf.zerosLike(variable);
          const v = state.secondMoment[name] ?? tf.zerosLike(variable);
          const update = adamUpdate(variable, gradient, m, v, {
            beta1,
            beta2,
            epsilon,
            learningRate,
            gradientScale,
            correction1,
            correction2,
          });
          assignWithDecay(variable, update.stepped, weightDecay);
          firstMoment[name] = update.firstMoment;
          secondMoment[name] = update.secondMoment;
        }
        return { count, firstMoment, secondMoment };
      });
    },
  };
}
