import {
  isWasmHeapBackend,
  kernelFunction,
  type WasmKernelModule,
  wasmHeapOffset,
  wasmKernelExports,
} from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_STEP_WASM_PLAIN, ADAM_STEP_WASM_SHARED } from './adam-wasm.generated.js';

/** The scalars of one Adam update; the bias corrections `1 − βᵗ` as float32 scalars. */
export interface AdamUpdateScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly learningRate: number;
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

const ADAM_STEP_MODULE: WasmKernelModule = {
  plain: ADAM_STEP_WASM_PLAIN,
  shared: ADAM_STEP_WASM_SHARED,
};

/**
 * One weight's Adam update: on the wasm backend one fused SIMD pass (`wasm/adam-step.c`),
 * elsewhere {@link composedAdamUpdate}. Both give the same numbers bit for bit (tested). Call
 * inside `tf.tidy`.
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
  registerAdamStepKernel();
  const { correction1, correction2, ...numbers } = scalars;
  const attrs = {
    ...numbers,
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
  gradient: tf.Tensor,
  firstMoment: tf.Tensor,
  secondMoment: tf.Tensor,
  { beta1, beta2, epsilon, learningRate, correction1, correction2 }: AdamUpdateScalars,
): AdamUpdate {
  const nextM = tf.add(tf.mul(firstMoment, beta1), tf.mul(gradient, 1 - beta1));
  const nextV = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(gradient), 1 - beta2));
  const mHat = tf.div(nextM, correction1);
  const vHat = tf.div(nextV, correction2);
  const step = tf.div(tf.mul(mHat, learningRate), tf.add(tf.sqrt(vHat), epsilon));
  return { stepped: tf.sub(theta, step), firstMoment: nextM, secondMoment: nextV };
}

type AdamStepExport = (
  theta: number,
  gradient: number,
  firstMoment: number,
  secondMoment: number,
  thetaOut: number,
  firstMomentOut: number,
  secondMomentOut: number,
  size: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  correction1: number,
  correction2: number,
  learningRate: number,
  epsilon: number,
) => void;

function registerAdamStepKernel(): void {
  if (tf.getKernel(ADAM_STEP_KERNEL, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: ADAM_STEP_KERNEL,
    backendName: 'wasm',
    kernelFunc: adamStepWasm,
  });
}

const adamStepWasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const where = ADAM_STEP_KERNEL;
  const { theta, gradient, firstMoment, secondMoment } = inputs as Record<string, tf.TensorInfo>;
  if (!theta || !gradient || !firstMoment || !secondMoment) {
    throw new Error(`bayesrnn: ${where} needs theta, gradient, firstMoment and secondMoment`);
  }
  const a = attrs as unknown as Omit<AdamUpdateScalars, 'correction1' | 'correction2'> & {
    correction1: number;
    correction2: number;
  };
  const wasm = backend as unknown as {
    makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  };
  const outputs = [0, 1, 2].map(() => wasm.makeOutput([...theta.shape], 'float32'));
  const size = tf.util.sizeFromShape(theta.shape);
  if (size === 0) return outputs;
  const offset = (info: tf.TensorInfo) => wasmHeapOffset(backend, info.dataId, where);
  const [thetaOut, mOut, vOut] = outputs as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const exports = wasmKernelExports(backend, ADAM_STEP_MODULE, where);
  kernelFunction<AdamStepExport>(exports, 'adam_step')(
    offset(theta),
    offset(gradient),
    offset(firstMoment),
    offset(secondMoment),
    offset(thetaOut),
    offset(mOut),
    offset(vOut),
    size,
    a.beta1,
    1 - a.beta1,
    a.beta2,
    1 - a.beta2,
    a.correction1,
    a.correction2,
    a.learningRate,
    a.epsilon,
  );
  return outputs;
};
