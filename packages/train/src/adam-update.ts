import { isWasmHeapBackend, registerWasmHeapKernel, type WasmHeapKernelSpec } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_STEP_WASM_PLAIN, ADAM_STEP_WASM_SHARED } from './adam-wasm.generated.js';

/** The scalars of one Adam update; the bias corrections `1 − βᵗ` as float32 scalars. */
export interface AdamUpdateScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly learningRate: number;
  /**
   * Multiplies the gradient first, as `tf.mul(gradient, gradientScale)` would (global-norm
   * clipping's factor); default 1, which changes nothing.
   */
  readonly gradientScale?: number;
  /** `1 − β₁ᵗ`. */
  readonly correction1: tf.Scalar;
  /** `1 − β₂ᵗ`. */
  readonly correction2: tf.Scalar;
}

/** One weight's Adam update: the stepped weight (before any decay) and both moments. */
export interface AdamUpdate {
  readonly stepped: tf.Tensor;
  readonly firstMoment: tf.Tensor;
  readonly secondMoment: tf.Tensor;
}

/** The tfjs kernel name of the fused step (registered for `wasm` on first use). */
export const ADAM_STEP_KERNEL = 'BayesrnnAdamStep';

/**
 * One weight's Adam update: on the wasm backend one fused SIMD pass (`wasm/adam-step.c`),
 * elsewhere {@link composedAdamUpdate}. Both give the same numbers bit for bit (tested), except
 * that the kernel writes moments and weights below 2^-126 as zero (flush-to-zero: a subnormal
 * costs an Intel core a microcode assist per use). Call inside `tf.tidy`.
 */
export function adamUpdate(
  theta: tf.Tensor,
  gradient: tf.Tensor,
  firstMoment: tf.Tensor,
  secondMoment: tf.Tensor,
  scalars: AdamUpdateScalars,
): AdamUpdate {
  if (!isWasmHeapBackend(tf.backend())) {
    return composedAdamUpdate(theta, gradient, firstMoment, secondMoment, scalars);
  }
  registerWasmHeapKernel(ADAM_STEP_SPEC);
  const { correction1, correction2, ...numbers } = scalars;
  const attrs = {
    ...numbers,
    gradientScale: scalars.gradientScale ?? 1,
    correction1: correction1.dataSync()[0] ?? Number.NaN,
    correction2: correction2.dataSync()[0] ?? Number.NaN,
  };
  const inputs = { theta, gradient, firstMoment, secondMoment };
  const [stepped, nextM, nextV] = tf.engine().runKernel(ADAM_STEP_KERNEL, inputs, attrs) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
  return { stepped, firstMoment: nextM, secondMoment: nextV };
}

/** The update in tfjs ops, any backend: the reference the fused kernel is tested against. */
export function composedAdamUpdate(
  theta: tf.Tensor,
  rawGradient: tf.Tensor,
  firstMoment: tf.Tensor,
  secondMoment: tf.Tensor,
  scalars: AdamUpdateScalars,
): AdamUpdate {
  const { beta1, beta2, epsilon, learningRate, correction1, correction2 } = scalars;
  const scale = scalars.gradientScale ?? 1;
  const gradient = scale === 1 ? rawGradient : tf.mul(rawGradient, scale);
  const nextM = tf.add(tf.mul(firstMoment, beta1), tf.mul(gradient, 1 - beta1));
  const nextV = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(gradient), 1 - beta2));
  const mHat = tf.div(nextM, correction1);
  const vHat = tf.div(nextV, correction2);
  const step = tf.div(tf.mul(mHat, learningRate), tf.add(tf.sqrt(vHat), epsilon));
  return { stepped: tf.sub(theta, step), firstMoment: nextM, secondMoment: nextV };
}

/** The kernel's attrs: the update's scalars, the corrections read as numbers. */
type AdamStepAttrs = Omit<AdamUpdateScalars, 'correction1' | 'correction2'> & {
  readonly correction1: number;
  readonly correction2: number;
  readonly gradientScale: number;
};

/** `wasm/adam-step.c`: θ, g, m, v in; θ', m', v' out; then the scalars. */
const ADAM_STEP_SPEC: WasmHeapKernelSpec = {
  kernelName: ADAM_STEP_KERNEL,
  module: { plain: ADAM_STEP_WASM_PLAIN, shared: ADAM_STEP_WASM_SHARED },
  exportName: 'adam_step',
  inputs: ['theta', 'gradient', 'firstMoment', 'secondMoment'],
  outputs: 3,
  scalars: (attrs) => {
    const a = attrs as unknown as AdamStepAttrs;
    return [
      a.beta1,
      1 - a.beta1,
      a.beta2,
      1 - a.beta2,
      a.correction1,
      a.correction2,
      a.learningRate,
      a.epsilon,
      a.gradientScale,
    ];
  },
};
