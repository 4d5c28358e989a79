import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { SOFTPLUS_WASM_PLAIN, SOFTPLUS_WASM_SHARED } from './softplus-wasm.generated.js';
import {
  kernelFunction,
  type WasmKernelModule,
  wasmHeapOffset,
  wasmKernelExports,
} from './wasm-heap.js';
import { asWasmBackend, requireInput } from './wasm-kernel-utils.js';

/** `softplus(x, y, n)`: writes `softplus(x[i])` to `y[i]`; x and y are heap byte offsets. */
export type SoftplusExport = (xOffset: number, yOffset: number, size: number) => void;

/** The compiled `wasm/softplus.c`, both memory flavours. */
export const SOFTPLUS_MODULE: WasmKernelModule = {
  plain: SOFTPLUS_WASM_PLAIN,
  shared: SOFTPLUS_WASM_SHARED,
};

/** The original kernel, kept so {@link unregisterWasmSoftplus} can restore it. */
let original: KernelConfig | undefined;

/**
 * Replaces tfjs-backend-wasm's `Softplus` with this package's SIMD one
 * (`packages/core/wasm/softplus.c`).
 *
 * tfjs's kernel calls scalar `log1p(exp(x))` per element, about 15 ns each: half of a
 * Bayes-by-Backprop step's overhead, which takes σ = softplus(ρ) of every weight and the
 * scale-mixture prior's softplus each step (4.6M elements each for PTB-small). This one does
 * four lanes at a time with float32-accurate exp and log1p (tested against a float64
 * reference in the test next to this file). The gradient is tfjs's own (`dy · sigmoid(x)`),
 * which does not depend on the kernel. Idempotent.
 */
export function registerWasmSoftplus(): void {
  if (original !== undefined) return;
  const tfjsKernel = tf.getKernel(tf.Softplus, 'wasm');
  if (tfjsKernel === undefined) return;
  original = tfjsKernel;
  tf.unregisterKernel(tf.Softplus, 'wasm');
  tf.registerKernel({ kernelName: tf.Softplus, backendName: 'wasm', kernelFunc: softplusWasm });
}

/** Puts tfjs's own `Softplus` back (for side-by-side comparisons). */
export function unregisterWasmSoftplus(): void {
  if (original === undefined) return;
  tf.unregisterKernel(tf.Softplus, 'wasm');
  tf.registerKernel(original);
  // tfjs binds its kernel to the module in a setup step that runs when the backend starts;
  // a backend that started while ours was registered never ran it.
  const backend = tf.findBackend('wasm');
  if (backend !== null) original.setupFunc?.(backend);
  original = undefined;
}

const softplusWasm: KernelFunc = ({ inputs, backend }) => {
  const wasm = asWasmBackend(backend, tf.Softplus);
  const x = requireInput(inputs, 'x', tf.Softplus);
  if (x.dtype !== 'float32') {
    throw new Error(`bayesrnn: Softplus on wasm supports float32, not ${x.dtype}`);
  }
  const out = wasm.makeOutput(x.shape, 'float32');
  const size = tf.util.sizeFromShape(x.shape);
  if (size === 0) return out;
  const exports = wasmKernelExports(backend, SOFTPLUS_MODULE, tf.Softplus);
  kernelFunction<SoftplusExport>(exports, 'softplus')(
    wasmHeapOffset(backend, x.dataId, tf.Softplus),
    wasmHeapOffset(backend, out.dataId, tf.Softplus),
    size,
  );
  return out;
};
