import { isWasmHeapBackend, registerWasmHeapKernel, type WasmHeapKernelSpec } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { RMSPROP_STEP_WASM_PLAIN, RMSPROP_STEP_WASM_SHARED } from './rmsprop-wasm.generated.js';

/** The scalars of one RMSprop update (see `createRmsprop` for the equations). */
export interface RmspropUpdateScalars {
  /** `ρ`, decay of the running mean of squared gradients. */
  readonly decay: number;
  /** `ε`, added to `√v`. */
  readonly epsilon: number;
  readonly learningRate: number;
  /**
   * Multiplies the gradient first, as `tf.mul(gradient, gradientScale)` would (global-norm
   * clipping's factor); default 1, which changes nothing.
   */
  readonly gradientScale?: number;
}

/** One weight's RMSprop update: the stepped weight (before any decay) and the mean square. */
export interface RmspropUpdate {
  readonly stepped: tf.Tensor;
  readonly meanSquare: tf.Tensor;
}

/** The tfjs kernel name of the fused step (registered for `wasm` on first use). */
export const RMSPROP_STEP_KERNEL = 'BayesrnnRmspropStep';

/**
 * One weight's RMSprop update: on the wasm backend one fused SIMD pass
 * (`wasm/rmsprop-step.c`), elsewhere {@link composedRmspropUpdate}. Both give the same numbers
 * bit for bit (tested), except that the kernel writes the mean square and weights below 2^-126
 * as zero (flush-to-zero, as in `adamUpdate`). Call inside `tf.tidy`.
 */
export function rmspropUpdate(
  theta: tf.Tensor,
  gradient: tf.Tensor,
  meanSquare: tf.Tensor,
  scalars: RmspropUpdateScalars,
): RmspropUpdate {
  if (!isWasmHeapBackend(tf.backend())) {
    return composedRmspropUpdate(theta, gradient, meanSquare, scalars);
  }
  registerWasmHeapKernel(RMSPROP_STEP_SPEC);
  const attrs = { ...scalars, gradientScale: scalars.gradientScale ?? 1 };
  const inputs = { theta, gradient, meanSquare };
  const [stepped, nextV] = tf.engine().runKernel(RMSPROP_STEP_KERNEL, inputs, attrs) as [
    tf.Tensor,
    tf.Tensor,
  ];
  return { stepped, meanSquare: nextV };
}

/** The update in tfjs ops, any backend: the reference the fused kernel is tested against. */
export function composedRmspropUpdate(
  theta: tf.Tensor,
  rawGradient: tf.Tensor,
  meanSquare: tf.Tensor,
  scalars: RmspropUpdateScalars,
): RmspropUpdate {
  const { decay, epsilon, learningRate } = scalars;
  const scale = scalars.gradientScale ?? 1;
  const gradient = scale === 1 ? rawGradient : tf.mul(rawGradient, scale);
  const nextV = tf.add(tf.mul(meanSquare, decay), tf.mul(tf.square(gradient), 1 - decay));
  const step = tf.div(tf.mul(gradient, learningRate), tf.add(tf.sqrt(nextV), epsilon));
  return { stepped: tf.sub(theta, step), meanSquare: nextV };
}

/** The kernel's attrs: the update's scalars with the scale filled in. */
type RmspropStepAttrs = RmspropUpdateScalars & { readonly gradientScale: number };

/** `wasm/rmsprop-step.c`: θ, g, v in; θ', v' out; then the scalars. */
const RMSPROP_STEP_SPEC: WasmHeapKernelSpec = {
  kernelName: RMSPROP_STEP_KERNEL,
  module: { plain: RMSPROP_STEP_WASM_PLAIN, shared: RMSPROP_STEP_WASM_SHARED },
  exportName: 'rmsprop_step',
  inputs: ['theta', 'gradient', 'meanSquare'],
  outputs: 2,
  scalars: (attrs) => {
    const a = attrs as unknown as RmspropStepAttrs;
    return [a.decay, 1 - a.decay, a.learningRate, a.epsilon, a.gradientScale];
  },
};
