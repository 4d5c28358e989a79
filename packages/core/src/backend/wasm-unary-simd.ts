import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS_WASM_PLAIN, ACTIVATIONS_WASM_SHARED } from './activations-wasm.generated.js';
import { EXP_WASM_PLAIN, EXP_WASM_SHARED } from './exp-wasm.generated.js';
import { SOFTPLUS_WASM_PLAIN, SOFTPLUS_WASM_SHARED } from './softplus-wasm.generated.js';
import type { WasmKernelModule } from './wasm-heap.js';
import { wasmHeapKernelFunc } from './wasm-heap-kernel.js';
import { replaceWasmKernel, restoreWasmKernel } from './wasm-kernel-replacement.js';

/** `f(x, y, n)`: writes `f(x[i])` to `y[i]`; x and y are heap byte offsets. */
export type UnaryExport = (xOffset: number, yOffset: number, size: number) => void;

/** An element-wise float32 kernel of this package that replaces tfjs-wasm's own. */
export interface UnarySimdKernel {
  /** The tfjs kernel it replaces, e.g. `Softplus`. */
  readonly kernelName: string;
  /** The compiled C, both memory flavours. */
  readonly module: WasmKernelModule;
  /** The module's exported function. */
  readonly exportName: string;
}

/**
 * `Softplus` (`wasm/softplus.c`): tfjs's calls scalar `log1p(exp(x))`, about 15 ns per
 * element, which was half of a Bayes-by-Backprop step's overhead (σ = softplus(ρ) of every
 * weight and the scale-mixture prior's softplus, 4.6M elements each for PTB-small).
 */
export const SIMD_SOFTPLUS: UnarySimdKernel = {
  kernelName: tf.Softplus,
  module: { plain: SOFTPLUS_WASM_PLAIN, shared: SOFTPLUS_WASM_SHARED },
  exportName: 'softplus',
};

/**
 * `Exp` (`wasm/exp.c`): tfjs's calls scalar `std::exp`, about 6.5 ns per element; the softmax
 * cross-entropy takes it on every logit (4M for PTB-small).
 */
export const SIMD_EXP: UnarySimdKernel = {
  kernelName: tf.Exp,
  module: { plain: EXP_WASM_PLAIN, shared: EXP_WASM_SHARED },
  exportName: 'exp_f32',
};

/**
 * `wasm/activations.c`: tanh (`activations.h`). tfjs's `Sigmoid` stays: it runs XNNPACK (7 µs
 * on a GRU step's `[20, 400]`, `wasm-kernels.bench.ts`), and the same loop over `activations.h`'s
 * sigmoid in its place was slower in a trial.
 */
const ACTIVATIONS_MODULE: WasmKernelModule = {
  plain: ACTIVATIONS_WASM_PLAIN,
  shared: ACTIVATIONS_WASM_SHARED,
};

/**
 * `Tanh` (`wasm/activations.c`, Cephes' tanhf on four lanes): tfjs's calls scalar `std::tanh`
 * per element: 50 against 10 µs on the `[20, 200]` a GRU or vanilla RNN window takes at every
 * step, 4.55 against 0.34 ms on `[400, 800]` (`wasm-kernels.bench.ts`). Within a few ulps of the
 * float64 tanh, not tfjs's bits.
 */
export const SIMD_TANH: UnarySimdKernel = {
  kernelName: tf.Tanh,
  module: ACTIVATIONS_MODULE,
  exportName: 'tanh_f32',
};

/** Every unary kernel {@link registerWasmUnarySimd} installs. */
export const SIMD_UNARY_KERNELS: readonly UnarySimdKernel[] = [SIMD_SOFTPLUS, SIMD_EXP, SIMD_TANH];

/**
 * Replaces tfjs-backend-wasm's kernels for `kernels` (default: all of
 * {@link SIMD_UNARY_KERNELS}) with this package's SIMD ones: four lanes at a time with
 * float32-accurate exp, log1p and tanh (`wasm/simd-math.h`, `wasm/activations.h`; each
 * tested against a float64 reference). Gradients are tfjs's own, which do not depend on the kernel. Idempotent.
 */
export function registerWasmUnarySimd(kernels = SIMD_UNARY_KERNELS): void {
  for (const kernel of kernels) {
    const spec = { ...kernel, inputs: ['x'], outputs: 1 };
    replaceWasmKernel(kernel.kernelName, wasmHeapKernelFunc(spec));
  }
}

/** Puts tfjs's own kernels back (for side-by-side comparisons). */
export function unregisterWasmUnarySimd(kernels = SIMD_UNARY_KERNELS): void {
  for (const { kernelName } of kernels) restoreWasmKernel(kernelName);
}
