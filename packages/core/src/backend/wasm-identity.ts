import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  callOriginalWasmKernel,
  replaceWasmKernel,
  restoreWasmKernel,
} from './wasm-kernel-replacement.js';

/**
 * `Identity` that shares its input's data instead of copying it, as tfjs's `cpu` backend and
 * wasm's own `Reshape` do (the data is reference-counted; a tensor's data is never written
 * after it is made). tfjs-wasm's `Identity` copies, and the engine calls it for every tensor a
 * gradient saves (`engine.clone` in its save function): 771 copies, 8.5 ms of a PTB-small
 * training step, and 837 in a Bayes-by-Backprop step. Strings keep the original kernel.
 */
const sharedIdentity: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return callOriginalWasmKernel(tf.Identity, args);
  (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Replaces tfjs-wasm's copying `Identity` with {@link sharedIdentity}. Idempotent. */
export function registerWasmSharedIdentity(): void {
  replaceWasmKernel(tf.Identity, sharedIdentity);
}

/** Puts tfjs-wasm's copying `Identity` back (for side-by-side comparisons). */
export function unregisterWasmSharedIdentity(): void {
  restoreWasmKernel(tf.Identity);
}
