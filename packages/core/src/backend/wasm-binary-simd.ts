import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { BINARY_WASM_PLAIN, BINARY_WASM_SHARED } from './binary-wasm.generated.js';
import type { WasmKernelModule } from './wasm-heap.js';
import { wasmHeapOffset } from './wasm-heap.js';
import { runHeapKernelParts } from './wasm-heap-run.js';
import {
  callOriginalWasmKernel,
  replaceWasmKernel,
  restoreWasmKernel,
} from './wasm-kernel-replacement.js';
import { asWasmBackend } from './wasm-kernel-utils.js';
import { heapKernelThreads, splitRange } from './wasm-parts.js';

/** `wasm/binary.c`: Add, Sub and Mul of float32 tensors with a repeated operand. */
export const BINARY_MODULE: WasmKernelModule = Object.freeze({
  plain: BINARY_WASM_PLAIN,
  shared: BINARY_WASM_SHARED,
});

/**
 * How `wasm/binary.c` computes `a ∘ b`: the operand with the broadcast shape (`repeated: 'b'`
 * means `a` has it) walked element by element, the other repeated along it every `period`
 * elements. Two operands of one shape repeat with the period of their size; a scalar with 1.
 */
export interface RepeatPlan {
  readonly repeated: 'a' | 'b';
  readonly period: number;
}

/** `shape` without its leading ones. */
function withoutLeadingOnes(shape: readonly number[]): readonly number[] {
  const first = shape.findIndex((d) => d !== 1);
  return first === -1 ? [] : shape.slice(first);
}

/**
 * The {@link RepeatPlan} of `a ∘ b`, or `undefined` when neither operand's shape (leading ones
 * dropped) ends the other's: a broadcast inside the shape (`[B, T, H] × [B, 1, H]`), which
 * tfjs's kernel keeps, as it keeps empty tensors.
 */
export function repeatPlan(a: readonly number[], b: readonly number[]): RepeatPlan | undefined {
  const [shortA, shortB] = [withoutLeadingOnes(a), withoutLeadingOnes(b)];
  const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);
  if (size(shortA) === 0 || size(shortB) === 0) return undefined;
  const endsWith = (long: readonly number[], short: readonly number[]) =>
    short.length <= long.length &&
    short.every((d, i) => d === long[long.length - short.length + i]);
  if (endsWith(shortA, shortB)) return { repeated: 'b', period: size(shortB) };
  if (endsWith(shortB, shortA)) return { repeated: 'a', period: size(shortA) };
  return undefined;
}

/** `wasm/binary.c`'s operation codes; `reversed` is Sub with the repeated operand on the left. */
const OPS = { add: 0, sub: 1, reversed: 2, mul: 3 } as const;

/**
 * A tfjs-wasm binary kernel on `wasm/binary.c` for float32 operands that {@link repeatPlan}
 * takes, split over the heap's helper threads when large; tfjs's own kernel for the rest. Why:
 * tfjs-wasm runs Add, Sub and Mul on XNNPACK's thread pool, whose threads sleep between a
 * training step's calls and take tens of µs to wake: a `[20, 200] × [4, 20, 200]` Multiply (h
 * against Gal's untied masks, every step) took 15 µs called back to back and 55 µs after an
 * idle millisecond, 11 µs here (`bench/src/experiments/idle-pool.ts`). The results are
 * XNNPACK's bit for bit: each add, subtract and multiply is one IEEE-754 operation.
 */
function repeatKernel(kernelName: string, op: 'add' | 'sub' | 'mul'): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as Record<'a' | 'b', TensorInfo>;
    const plan =
      a.dtype === 'float32' && b.dtype === 'float32' ? repeatPlan(a.shape, b.shape) : undefined;
    if (plan === undefined) return callOriginalWasmKernel(kernelName, args);
    const wasm = asWasmBackend(args.backend, kernelName);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = wasm.makeOutput(outShape, 'float32');
    const [walked, repeated] = plan.repeated === 'b' ? [a, b] : [b, a];
    const code = op === 'sub' && plan.repeated === 'a' ? OPS.reversed : OPS[op];
    const pointers = [walked, repeated, out].map((t) => wasmHeapOffset(wasm, t.dataId, kernelName));
    const size = tf.util.sizeFromShape(outShape);
    const threads = heapKernelThreads(wasm, size, kernelName);
    const parts = splitRange(size, threads, 4).map(([begin, end]) => [
      ...pointers,
      plan.period,
      code,
      begin,
      end,
    ]);
    runHeapKernelParts(wasm, BINARY_MODULE, 'binary_repeat', parts, kernelName);
    return out;
  };
}

const KERNELS: readonly [string, 'add' | 'sub' | 'mul'][] = [
  [tf.Add, 'add'],
  [tf.Sub, 'sub'],
  [tf.Multiply, 'mul'],
];

/** Replaces tfjs-wasm's `Add`, `Sub` and `Multiply` with {@link repeatKernel}'s. Idempotent. */
export function registerWasmBinarySimd(): void {
  for (const [kernelName, op] of KERNELS)
    replaceWasmKernel(kernelName, repeatKernel(kernelName, op));
}

/** Puts tfjs-wasm's own kernels back (for side-by-side comparisons). */
export function unregisterWasmBinarySimd(): void {
  for (const [kernelName] of KERNELS) restoreWasmKernel(kernelName);
}
