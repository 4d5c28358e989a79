import { registerWasmFastMatMul } from './wasm-fast-matmul.js';
import { registerWasmSoftplus } from './wasm-softplus.js';
import { registerWasmUnsortedSegmentSum } from './wasm-unsorted-segment-sum.js';

/**
 * Registers, in one place, the kernel fixes that make training on the `wasm` backend work
 * exactly as on `cpu`: the missing `UnsortedSegmentSum` (gradient of `gather`), and matmul
 * kernels that stay on wasm's fast path (every matmul gradient is transposed) and add a
 * fused bias of any shape tfjs accepts (`[n]`, `[m, n]`, `[batch, 1, n]`, …) as cpu does;
 * and a SIMD `Softplus` (tfjs's is scalar, and Bayes by Backprop calls it on every weight).
 * Call after importing `@tensorflow/tfjs-backend-wasm` (so its kernels exist to wrap);
 * `selectBackend` does, whenever it loads wasm. Idempotent.
 */
export function registerWasmFixes(): void {
  registerWasmUnsortedSegmentSum();
  registerWasmFastMatMul();
  registerWasmSoftplus();
}
