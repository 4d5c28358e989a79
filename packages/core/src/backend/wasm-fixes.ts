import { registerWasmBinarySimd } from './wasm-binary-simd.js';
import { registerWasmFastMatMul } from './wasm-fast-matmul.js';
import { registerWasmGather } from './wasm-gather.js';
import { registerWasmSharedIdentity } from './wasm-identity.js';
import { registerWasmPad } from './wasm-pad.js';
import { registerWasmSlice } from './wasm-slice.js';
import { registerWasmSum } from './wasm-sum.js';
import { registerWasmTranspose } from './wasm-transpose.js';
import { registerWasmUnarySimd } from './wasm-unary-simd.js';
import { registerWasmUnsortedSegmentSum } from './wasm-unsorted-segment-sum.js';

/**
 * Registers, in one place, the kernel fixes that make training on the `wasm` backend work
 * exactly as on `cpu`: the missing `UnsortedSegmentSum` (gradient of `gather`), and matmul
 * kernels that stay on wasm's fast path (every matmul gradient is transposed) and add a
 * fused bias of any shape tfjs accepts (`[n]`, `[m, n]`, `[batch, 1, n]`, …) as cpu does;
 * and SIMD `Softplus`, `Exp` and `Tanh` (tfjs's are scalar; Bayes by Backprop takes softplus of
 * every weight, the softmax cross-entropy exp of every logit, a GRU window tanh at every step); and an `Identity` that shares data
 * instead of copying it (the engine clones every tensor a gradient saves), and `Slice` and
 * `Unpack` that copy only what they return (tfjs-wasm's read their whole input back first);
 * and a SIMD `Sum` over leading, trailing or middle axes, split over the helper threads (tfjs-wasm's
 * adds one element at a time, and transposes first to sum columns); and a `GatherV2` that
 * copies whole slices (tfjs-wasm's took 2.9 ms for an embedding lookup of 400 rows); and a
 * tiled SIMD `Transpose` that shares the data of a permutation that moves nothing (tfjs-wasm's
 * took 5.1 ms for the softmax weight, which every step transposes); and `Add`, `Sub` and
 * `Multiply` of float32 operands broadcast along each other, on the calling thread
 * (tfjs-wasm's wake XNNPACK's sleeping pool threads on every call of a step); and `PadV2` and
 * `Pack` that write their inputs straight into the output (tfjs-wasm's took 1.1 ms to pad a
 * window's output gradient by one step).
 * Call after importing `@tensorflow/tfjs-backend-wasm` (so its kernels exist to wrap);
 * `selectBackend` does, whenever it loads wasm. Idempotent.
 */
export function registerWasmFixes(): void {
  registerWasmUnsortedSegmentSum();
  registerWasmFastMatMul();
  registerWasmUnarySimd();
  registerWasmSharedIdentity();
  registerWasmSlice();
  registerWasmSum();
  registerWasmGather();
  registerWasmTranspose();
  registerWasmBinarySimd();
  registerWasmPad();
}
