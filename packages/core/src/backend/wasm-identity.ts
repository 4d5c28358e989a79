import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** tfjs-wasm's own `Identity`, kept so {@link unregisterWasmSharedIdentity} can restore it. */
let original: KernelConfig | undefined;

/**
 * `Identity` that shares its input's data instead of copying it, as tfjs's `cpu` backend and
 * wasm's own `Reshape` do (the data is reference-counted; a tensor's data is never written
 * after it is made). tfjs-wasm's `Identity` copies, and the engine calls it for every tensor a
 * gradient saves (`engine.clone` in its save function): 771 copies, 8.5 ms of a PTB-small
 * training step, and 837 in a Bayes-by-Backprop step. Strings keep the original kernel.
 */
const sharedIdentity: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return (original as KernelConfig).kernelFunc(args);
  (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Replaces tfjs-wasm's copying `Identity` with {@link sharedIdentity}. Idempotent. */
export function registerWasmSharedIdentity(): void {
  if (original !== undefined) return;
  const tfjsKernel = tf.getKernel(tf.Identity, 'wasm');
  if (tfjsKernel === undefined) return;
  original = tfjsKernel;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({ kernelName: tf.Identity, backendName: 'wasm', kernelFunc: sharedIdentity });
}

/** Puts tfjs-wasm's copying `Identity` back (for side-by-side comparisons). */
export function unregisterWasmSharedIdentity(): void {
  if (original === undefined) return;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel(original);
  original = undefined;
}
