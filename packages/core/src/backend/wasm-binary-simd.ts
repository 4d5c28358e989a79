import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type RepeatPlan, type RowsPlan, repeatPlan, rowsPlan } from './binary-broadcast-plan.js';
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

/** `wasm/binary.c`: Add, Sub and Mul of float32 tensors, one operand broadcast along the other. */
export const BINARY_MODULE: WasmKernelModule = Object.freeze({
  plain: BINARY_WASM_PLAIN,
  shared: BINARY_WASM_SHARED,
});

/** `wasm/binary.c`'s operation codes; `reversed` is Sub with the repeated operand on the left. */
const OPS = { add: 0, sub: 1, reversed: 2, mul: 3 } as const;

/**
 * A tfjs-wasm binary kernel on `wasm/binary.c` for float32 operands: {@link repeatPlan}'s
 * broadcasts by `binary_repeat`, the others {@link rowsPlan} takes by `binary_rows`, split over
 * the heap's helper threads when large; tfjs's own kernel for the rest. Why: tfjs-wasm runs Add,
 * Sub and Mul on XNNPACK's thread pool, whose threads sleep between a training step's calls and
 * take tens of µs to wake: a `[20, 200] × [4, 20, 200]` Multiply (h against Gal's untied masks,
 * every step) took 15 µs called back to back and 55 µs after an idle millisecond, 11 µs here
 * (`bench/src/experiments/idle-pool.ts`). The results are XNNPACK's bit for bit: each add,
 * subtract and multiply is one IEEE-754 operation.
 */
function binaryKernel(kernelName: string, op: 'add' | 'sub' | 'mul'): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as Record<'a' | 'b', TensorInfo>;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      return callOriginalWasmKernel(kernelName, args);
    }
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const repeat = repeatPlan(a.shape, b.shape);
    const rows = repeat === undefined ? rowsPlan(a.shape, b.shape, outShape) : undefined;
    if (repeat === undefined && rows === undefined) return callOriginalWasmKernel(kernelName, args);
    const wasm = asWasmBackend(args.backend, kernelName);
    const out = wasm.makeOutput(outShape, 'float32');
    const at = (t: TensorInfo) => wasmHeapOffset(wasm, t.dataId, kernelName);
    const threads = heapKernelThreads(wasm, tf.util.sizeFromShape(outShape), kernelName);
    const parts =
      repeat !== undefined
        ? repeatParts(repeat, op, [at(a), at(b), at(out)], outShape, threads)
        : rowsParts(rows as RowsPlan, op, [at(a), at(b), at(out)], threads);
    const exportName = repeat !== undefined ? 'binary_repeat' : 'binary_rows';
    runHeapKernelParts(wasm, BINARY_MODULE, exportName, parts, kernelName);
    return out;
  };
}

/** `binary_repeat`'s calls: the walked operand, the repeated one, the output; ranges of elements. */
function repeatParts(
  plan: RepeatPlan,
  op: 'add' | 'sub' | 'mul',
  [a, b, out]: number[],
  outShape: number[],
  threads: number,
): number[][] {
  const [walked, repeated] = plan.repeated === 'b' ? [a, b] : [b, a];
  const code = op === 'sub' && plan.repeated === 'a' ? OPS.reversed : OPS[op];
  const size = tf.util.sizeFromShape(outShape);
  return splitRange(size, threads, 4).map(([begin, end]) => [
    walked ?? 0,
    repeated ?? 0,
    out ?? 0,
    plan.period,
    code,
    begin,
    end,
  ]);
}

/** `binary_rows`'s calls: a, b, the output and the plan; ranges of rows. */
function rowsParts(
  plan: RowsPlan,
  op: 'add' | 'sub' | 'mul',
  pointers: number[],
  threads: number,
): number[][] {
  const [d0, d1, d2] = plan.outer;
  const shape = [plan.last, plan.aFull ? 1 : 0, plan.bFull ? 1 : 0, d1, d2];
  const strides = [...plan.aStrides, ...plan.bStrides];
  return splitRange(d0 * d1 * d2, threads, 1).map(([begin, end]) => [
    ...pointers,
    OPS[op],
    ...shape,
    ...strides,
    begin,
    end,
  ]);
}

const KERNELS: readonly [string, 'add' | 'sub' | 'mul'][] = [
  [tf.Add, 'add'],
  [tf.Sub, 'sub'],
  [tf.Multiply, 'mul'],
];

/** Replaces tfjs-wasm's `Add`, `Sub` and `Multiply` with {@link binaryKernel}'s. Idempotent. */
export function registerWasmBinarySimd(): void {
  for (const [kernelName, op] of KERNELS)
    replaceWasmKernel(kernelName, binaryKernel(kernelName, op));
}

/** Puts tfjs-wasm's own kernels back (for side-by-side comparisons). */
export function unregisterWasmBinarySimd(): void {
  for (const [kernelName] of KERNELS) restoreWasmKernel(kernelName);
}
