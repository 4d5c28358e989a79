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
  // The original's setup stays with the replacement: it binds the module functions that other
  // tfjs-wasm kernels call directly (its Sum and its matmul gradients call its transpose).
  const { setupFunc } = tfjsKernel;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc,
    ...(setupFunc && { setupFunc }),
  });
}

/** tfjs-wasm's own kernel `kernelName`, replaced by {@link replaceWasmKernel}. */
export function originalWasmKernel(kernelName: string): KernelConfig {
  const original = originals.get(kernelName);
  if (original === undefined)
    throw new Error(`bayesrnn: tfjs-wasm's ${kernelName} was not replaced`);
  return original;
}

/** Backends on which an original kernel's setup ran, by kernel name. */
const setUp = new Map<string, WeakSet<object>>();

/**
 * Calls tfjs-wasm's own kernel `kernelName` (replaced by {@link replaceWasmKernel}) with a
 * kernel's arguments, first running its setup on `args.backend` once: tfjs binds a kernel to
 * the module in that setup, when the backend starts, and a backend that started while the
 * replacement was registered never ran it.
 */
export function callOriginalWasmKernel(
  kernelName: string,
  args: Parameters<KernelFunc>[0],
): ReturnType<KernelFunc> {
  const original = originalWasmKernel(kernelName);
  const backends = setUp.get(kernelName) ?? new WeakSet<object>();
  setUp.set(kernelName, backends);
  if (!backends.has(args.backend)) {
    original.setupFunc?.(args.backend);
    backends.add(args.backend);
  }
  return original.kernelFunc(args);
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
