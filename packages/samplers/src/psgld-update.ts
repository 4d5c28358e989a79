import {
  fillStandardNormalArray,
  foldIn,
  isWasmHeapBackend,
  registerWasmHeapKernel,
  type WasmHeapKernelSpec,
} from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
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
}

/** One weight's pSGLD update: the next position `θ'` and second moment `v'`. */
export interface PsgldUpdate {
  readonly position: tf.Tensor;
  readonly secondMoment: tf.Tensor;
}

/** The tfjs kernel name of the fused step (registered for `wasm` on first use). */
export const PSGLD_STEP_KERNEL = 'BayesrnnPsgldStep';

/**
 * One weight's pSGLD update, `ξ` drawn from `foldIn(key, name)` (as {@link addLangevinNoise}
 * draws it): on the wasm backend one fused SIMD
 * pass (`wasm/psgld-step.c`, with `ξ` written straight into the output's memory), elsewhere
 * {@link composedPsgldUpdate}. Both give the same numbers bit for bit (tested).
 * Call inside `tf.tidy`.
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
  registerWasmHeapKernel(PSGLD_STEP_SPEC);
  const attrs = { ...scalars, noiseWords: [...foldIn(key, name).words] };
  const inputs = { theta, gradient, secondMoment };
  const [position, nextMoment] = tf.engine().runKernel(PSGLD_STEP_KERNEL, inputs, attrs) as [
    tf.Tensor,
    tf.Tensor,
  ];
  return { position, secondMoment: nextMoment };
}

/** The update in tfjs ops, any backend: the reference the fused kernel is tested against. */
export function composedPsgldUpdate(
  theta: tf.Tensor,
  gradient: tf.Tensor,
  secondMoment: tf.Tensor,
  key: RngKey,
  name: string,
  { beta, lambda, stepSize, precision, noiseVariance }: PsgldUpdateScalars,
): PsgldUpdate {
  const nextV = tf.add(tf.mul(secondMoment, beta), tf.mul(tf.square(gradient), 1 - beta));
  const inverseG = tf.reciprocal(tf.add(tf.sqrt(nextV), lambda));
  const potential = withPriorPull(gradient, theta, precision);
  const drift = tf.mul(tf.mul(potential, inverseG), stepSize);
  const position = addLangevinNoise(tf.sub(theta, drift), key, name, noiseVariance, inverseG);
  return { position, secondMoment: nextV };
}

/** `wasm/psgld-step.c`: θ, g, v in; θ' (holding ξ on entry) and v' out; then the scalars. */
const PSGLD_STEP_SPEC: WasmHeapKernelSpec = {
  kernelName: PSGLD_STEP_KERNEL,
  module: {
    plain: PSGLD_STEP_WASM_PLAIN,
    shared: PSGLD_STEP_WASM_SHARED,
  },
  exportName: 'psgld_step',
  inputs: ['theta', 'gradient', 'secondMoment'],
  outputs: 2,
  prefill: ([position], attrs) => {
    const { noiseVariance, noiseWords } = attrs as unknown as PsgldStepAttrs;
    if (noiseVariance !== 0 && position !== undefined) {
      fillStandardNormalArray({ kind: 'RngKey', words: noiseWords }, position);
    }
  },
  scalars: (attrs) => {
    const a = attrs as unknown as PsgldStepAttrs;
    return [a.beta, 1 - a.beta, a.lambda, a.stepSize, a.precision, a.noiseVariance];
  },
};

/** The kernel's attrs: the update's scalars and the noise key's two words. */
type PsgldStepAttrs = PsgldUpdateScalars & { readonly noiseWords: [number, number] };
