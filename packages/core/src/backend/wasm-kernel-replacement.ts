import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** tfjs-wasm's own kernels that {@link replaceWasmKernel} replaced, by kernel name. */
const originals = new Map<string, KernelConfig>();

/**
 * Registers `kernelFunc` for tfjs-wasm's kernel `kernelName` in place of tfjs's own, which is
 * kept: for inputs the replacement leaves to it (e.g. strings: {@link originalWasmKernel}) and
 * for side-by-side tests ({@link restoreWasmKernel}). Idempotent; does nothing when tfjs-wasm
 * has no such kernel.
 */
export function replaceWasmKernel(kernelName: string, kernelFunc: KernelFunc): void {
  if (originals.has(kernelName)) return;
  const tfjsKernel = tf.getKernel(kernelName, 'wasm');
  if (tfjsKernel === undefined) return;
  originals.set(kernelName, tfjsKernel);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

/** tfjs-wasm's own kernel `kernelName`, replaced by {@link replaceWasmKernel}. */
export function originalWasmKernel(kernelName: string): KernelConfig {
  const original = originals.get(kernelName);
  if (original === undefined)
    throw new Error(`bayesrnn: tfjs-wasm's ${kernelName} was not replaced`);
  return original;
}

/** Puts tfjs-wasm's own kernel `kernelName` back (for side-by-side comparisons). */
export function restoreWasmKernel(kernelName: string): void {
  const original = originals.get(kernelName);
  if (original === undefined) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(original);
  // tfjs binds a kernel to its module in a setup step that runs when the backend starts; a
  // backend that started while ours was registered never ran it.
  const backend = tf.findBackend('wasm');
  if (backend !== null) original.setupFunc?.(backend);
  originals.delete(kernelName);
}
