import {
  foldIn,
  isWasmHeapBackend,
  registerWasmHeapKernel,
  type WasmHeapKernelSpec,
} from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { addLangevinNoise } from './langevin-noise.js';
import { withPriorPull } from './potential-gradient.js';
import { PSGLD_STEP_WASM_PLAIN, PSGLD_STEP_WASM_SHARED } from './psgld-wasm.generated.js';

/** The scalars of one pSGLD update (see `createPsgld` for the equations). */
export interface PsgldUpdateScalars {
  /** `β`, decay of the second moment. */
  readonly beta: number;
  /** `λ`, added to `√v`. */
  readonly lambda: number;
  /** `η`, the step size on the scale of the minibatch loss. */
  readonly stepSize: number;
  /** `c = 1/(σ² N)`, the Gaussian prior's pull (0: no prior). */
  readonly precision: number;
  /** `s = 2 η T / N`, the noise variance before preconditioning (0: no noise). */
  readonly noiseVariance: number;
  /**
   * Multiplies the gradient first, as `tf.mul(gradient, gradientScale)` would (global-norm
   * clipping's factor); default 1, which changes nothing.
   */
  readonly gradientScale?: number;
}

/** One weight's pSGLD update: the next position `θ'` and second moment `v'`. */
export interface PsgldUpdate {
  readonly position: tf.Tensor;
  readonly secondMoment: tf.Tensor;
}

/** The tfjs kernel name of the fused step (registered for `wasm` on first use). */
export const PSGLD_STEP_KERNEL = 'BayesrnnPsgldStep';

/** The fused step that draws its own ξ (with Langevin noise, `s > 0`). */
export const PSGLD_NOISY_STEP_KERNEL = 'BayesrnnPsgldNoisyStep';

/**
 * One weight's pSGLD update, `ξ` drawn from `foldIn(key, name)` (as {@link addLangevinNoise}
 * draws it): on the wasm backend one fused SIMD pass (`wasm/psgld-step.c`) that draws `ξ`
 * itself, a cache-sized slice at a time, elsewhere {@link composedPsgldUpdate}. Both give the
 * same numbers bit for bit (tested), except that the kernel writes `v'` and `θ'` below 2^-126
 * as zero (flush-to-zero: a subnormal costs an Intel core a microcode assist per use). Call
 * inside `tf.tidy`.
 */
export function psgldUpdate(
  theta: tf.Tensor,
  gradient: tf.Tensor,
  secondMoment: tf.Tensor,
  key: RngKey,
  name: string,
  scalars: PsgldUpdateScalars,
): PsgldUpdate {
  if (!isWasmHeapBackend(tf.backend())) {
    return composedPsgldUpdate(theta, gradient, secondMoment, key, name, scalars);
  }
  const spec = scalars.noiseVariance === 0 ? PSGLD_STEP_SPEC : PSGLD_NOISY_STEP_SPEC;
  registerWasmHeapKernel(spec);
  const attrs = {
    ...scalars,
    gradientScale: scalars.gradientScale ?? 1,
    noiseWords: [...foldIn(key, name).words],
  };
  const inputs = { theta, gradient, secondMoment };
  const [position, nextMoment] = tf.engine().runKernel(spec.kernelName, inputs, attrs) as [
    tf.Tensor,
    tf.Tensor,
  ];
  return { position, secondMoment: nextMoment };
}

/** The update in tfjs ops, any backend: the reference the fused kernel is tested against. */
export function composedPsgldUpdate(
  theta: tf.Tensor,
  rawGradient: tf.Tensor,
  secondMoment: tf.Tensor,
  key: RngKey,
  name: string,
  scalars: PsgldUpdateScalars,
): PsgldUpdate {
  const { beta, lambda, stepSize, precision, noiseVariance } = scalars;
  const scale = scalars.gradientScale ?? 1;
  const gradient = scale === 1 ? rawGradient : tf.mul(rawGradient, scale);
  const nextV = tf.add(tf.mul(secondMoment, beta), tf.mul(tf.square(gradient), 1 - beta));
  const inverseG = tf.reciprocal(tf.add(tf.sqrt(nextV), lambda));
  const potential = withPriorPull(gradient, theta, precision);
  const drift = tf.mul(tf.mul(potential, inverseG), stepSize);
  const position = addLangevinNoise(tf.sub(theta, drift), key, name, noiseVariance, inverseG);
  return { position, secondMoment: nextV };
}

const MODULE = { plain: PSGLD_STEP_WASM_PLAIN, shared: PSGLD_STEP_WASM_SHARED };

/** The scalars after the size (and, drawing noise, after the block range). */
function stepScalars(attrs: NamedAttrMap): number[] {
  const a = attrs as unknown as PsgldStepAttrs;
  return [a.beta, 1 - a.beta, a.lambda, a.stepSize, a.precision, a.noiseVariance, a.gradientScale];
}

/** `wasm/psgld-step.c` without noise: θ, g, v in; θ', v' out; then the scalars. */
const PSGLD_STEP_SPEC: WasmHeapKernelSpec = {
  kernelName: PSGLD_STEP_KERNEL,
  module: MODULE,
  exportName: 'psgld_step',
  inputs: ['theta', 'gradient', 'secondMoment'],
  outputs: 2,
  scalars: stepScalars,
};

/** The same with ξ drawn in the kernel from the noise key, split by the noise's blocks. */
const PSGLD_NOISY_STEP_SPEC: WasmHeapKernelSpec = {
  ...PSGLD_STEP_SPEC,
  kernelName: PSGLD_NOISY_STEP_KERNEL,
  exportName: 'psgld_noisy_step',
  noise: (attrs) => ({ kind: 'RngKey', words: (attrs as unknown as PsgldStepAttrs).noiseWords }),
};

/** The kernel's attrs: the update's scalars and the noise key's two words. */
type PsgldStepAttrs = PsgldUpdateScalars & {
  readonly gradientScale: number;
  readonly noiseWords: [number, number];
};
