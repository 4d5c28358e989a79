import {
  fillStandardNormalArray,
  foldIn,
  isWasmHeapBackend,
  kernelFunction,
  type WasmKernelModule,
  wasmHeapFloat32,
  wasmHeapOffset,
  wasmKernelExports,
} from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { addLangevinNoise } from './langevin-noise.js';
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

const PSGLD_STEP_MODULE: WasmKernelModule = {
  plain: PSGLD_STEP_WASM_PLAIN,
  shared: PSGLD_STEP_WASM_SHARED,
};

/**
 * One weight's pSGLD update, `ξ` drawn from `foldIn(key, name)` (as {@link addLangevinNoise}
 * draws it): on the wasm backend one fused SIMD
 * pass (`wasm/psgld-step.c`, with `ξ` written straight into the output's memory), elsewhere
 * {@link composedPsgldUpdate}. Both give the same numbers up to float32 rounding (tested).
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
  registerPsgldStepKernel();
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
  const potential = precision === 0 ? gradient : tf.add(gradient, tf.mul(theta, precision));
  const drift = tf.mul(tf.mul(potential, inverseG), stepSize);
  const position = addLangevinNoise(tf.sub(theta, drift), key, name, noiseVariance, inverseG);
  return { position, secondMoment: nextV };
}

type PsgldStepExport = (
  theta: number,
  gradient: number,
  secondMoment: number,
  noiseThenPosition: number,
  nextMoment: number,
  size: number,
  beta: number,
  oneMinusBeta: number,
  lambda: number,
  stepSize: number,
  precision: number,
  noiseVariance: number,
) => void;

function registerPsgldStepKernel(): void {
  if (tf.getKernel(PSGLD_STEP_KERNEL, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: PSGLD_STEP_KERNEL,
    backendName: 'wasm',
    kernelFunc: psgldStepWasm,
  });
}

const psgldStepWasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const where = PSGLD_STEP_KERNEL;
  const { theta, gradient, secondMoment } = inputs as Record<string, tf.TensorInfo>;
  if (theta === undefined || gradient === undefined || secondMoment === undefined) {
    throw new Error(`bayesrnn: ${where} needs theta, gradient and secondMoment`);
  }
  const scalars = attrs as unknown as PsgldUpdateScalars & { noiseWords: [number, number] };
  const wasm = backend as unknown as {
    makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  };
  const position = wasm.makeOutput([...theta.shape], 'float32');
  const nextMoment = wasm.makeOutput([...theta.shape], 'float32');
  const size = tf.util.sizeFromShape(theta.shape);
  if (size === 0) return [position, nextMoment];
  const offset = (info: tf.TensorInfo) => wasmHeapOffset(backend, info.dataId, where);
  if (scalars.noiseVariance !== 0) {
    const key: RngKey = { kind: 'RngKey', words: scalars.noiseWords };
    fillStandardNormalArray(key, wasmHeapFloat32(backend, offset(position), size, where));
  }
  const exports = wasmKernelExports(backend, PSGLD_STEP_MODULE, where);
  kernelFunction<PsgldStepExport>(exports, 'psgld_step')(
    offset(theta),
    offset(gradient),
    offset(secondMoment),
    offset(position),
    offset(nextMoment),
    size,
    scalars.beta,
    1 - scalars.beta,
    scalars.lambda,
    scalars.stepSize,
    scalars.precision,
    scalars.noiseVariance,
  );
  return [position, nextMoment];
};
