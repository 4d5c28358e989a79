import type {
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { unfusedMatMul, wasmFusesEpilogue } from './wasm-fused-bias.js';
import { gemmAccepts, wasmGemm } from './wasm-gemm.js';
import {
  asWasmBackend,
  disposeIntermediates,
  requireInput,
  runWasmKernel,
  singleOutput,
} from './wasm-kernel-utils.js';
import { runAsBatchOneMatMuls } from './wasm-matmul-batches.js';

/**
 * Whether `BatchMatMul`, and `_FusedMatMul` with no activation and a `[columns]` bias, run on
 * {@link wasmGemm} (`wasm/gemm.c`). `BAYESRNN_WASM_GEMM=off` keeps
 * XNNPACK (for side-by-side comparisons); read once, when this module loads.
 */
const OWN_GEMM =
  typeof process === 'undefined' ||
  !['off', '0', 'false'].includes(process.env.BAYESRNN_WASM_GEMM?.trim().toLowerCase() ?? '');

/**
 * Marks a wrapper and holds the kernel it wraps. `Symbol.for` (not a module-local symbol) so
 * that two copies of this package (src and dist, say) see each other's wrapper and never
 * wrap twice.
 */
const ORIGINAL_KERNEL = Symbol.for('bayesrnn.wasm.fastMatMul.original');

/** The wasm matmul kernels that accept `transposeA`/`transposeB` and batches. */
const MATMUL_KERNELS = [tf.BatchMatMul, tf._FusedMatMul] as const;

/**
 * Wraps the wasm `BatchMatMul` and `_FusedMatMul` kernels: `BatchMatMul` runs on this
 * project's {@link wasmGemm}, and the original kernel only ever runs on its fast path:
 * untransposed, batch 1.
 *
 * Why our own product: XNNPACK packs B into a new layout the first time it sees a B (a
 * tensor id), and in training nearly every B is new: weights change every step, gradients
 * every call. Packing cost more than the product itself for the LSTM's per-step gradients
 * ([20,800]×[800,200]: 0.41 ms with packing, 0.13 ms ours), and ours, split by columns over
 * the helper threads, also beat XNNPACK's packed product on the softmax's [400,200]×[200,10000]
 * (13.4 vs 17.4 ms). `Aᵀ·B` is read transposed in place; `A·Bᵀ` transposes B first.
 * A `_FusedMatMul` with no activation and a `[columns]` bias runs on it too, the bias added as
 * each finished sum is stored ({@link gemmAddsBias}). `BAYESRNN_WASM_GEMM=off` keeps XNNPACK
 * for both as well.
 *
 * Why: with `transposeA`/`transposeB`, or a batch dimension, tfjs-backend-wasm 4.22 leaves
 * XNNPACK for a loop ~10× slower ([400,200]×[200,800]: ~38 ms transposed vs ~4 ms), and
 * every matmul gradient (`dA = dY·Bᵀ`, `dB = Aᵀ·dY`) is transposed. So transposed operands
 * are transposed explicitly first (wasm `Transpose`, O(size), < 1 ms there) and batches are
 * folded or split ({@link runAsBatchOneMatMuls}). That slow path also adds `_FusedMatMul`'s
 * bias wrongly to every row but the first, so batched fused products are always split.
 * A `_FusedMatMul` bias other than one value per column (`[m, n]`, `[batch, 1, n]`, a
 * scalar, …), which wasm's kernel rejects or adds wrongly, and PReLU weights beyond one per
 * column, go through {@link unfusedMatMul} instead: this fast product, then `Add` and the
 * activation as ordinary wasm kernels, as cpu computes it. Keeps the original `setupFunc`, so it may run before or after the backend starts.
 * Idempotent.
 */
export function registerWasmFastMatMul(): void {
  for (const kernelName of MATMUL_KERNELS) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (original === undefined || originalKernelFunc(original.kernelFunc) !== undefined) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: fastMatMul(original.kernelFunc, kernelName) });
  }
}

/**
 * The kernel function a wrapper from {@link registerWasmFastMatMul} wraps, or `undefined`
 * when `kernelFunc` is not such a wrapper. Lets tests compare against the original kernel.
 */
export function originalKernelFunc(kernelFunc: KernelFunc): KernelFunc | undefined {
  const original: unknown = Reflect.get(kernelFunc, ORIGINAL_KERNEL);
  return typeof original === 'function' ? (original as KernelFunc) : undefined;
}

function fastMatMul(original: KernelFunc, kernelName: string): KernelFunc {
  const wrapper: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const a = requireInput(inputs, 'a', kernelName);
    const b = requireInput(inputs, 'b', kernelName);
    const transposeA = attrs?.transposeA === true;
    const transposeB = attrs?.transposeB === true;
    const wasm = asWasmBackend(backend, kernelName);
    let own = OWN_GEMM && kernelName === tf.BatchMatMul && gemmAccepts(a, b);
    if (kernelName === tf._FusedMatMul) {
      const columns = (transposeB ? b.shape.at(-2) : b.shape.at(-1)) ?? 1;
      own = OWN_GEMM && gemmAddsBias(inputs, attrs, columns);
      if (!own && !wasmFusesEpilogue(wasm, inputs, columns)) {
        return unfusedMatMul(wasm, inputs, backend, attrs ?? {});
      }
    }
    if (!own && !transposeA && !transposeB && isUnbatched(a) && isUnbatched(b))
      return original(args);
    const made: TensorInfo[] = [];
    try {
      if (own) {
        const plainB = transposeB ? swapLastTwoAxes(b, backend, made) : b;
        return wasmGemm(wasm, a, plainB, transposeA, kernelName, inputs.bias);
      }
      const plainA = transposeA ? swapLastTwoAxes(a, backend, made) : a;
      const plainB = transposeB ? swapLastTwoAxes(b, backend, made) : b;
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
      const single = (left: TensorInfo, right: TensorInfo) =>
        singleOutput(
          original({ inputs: { ...inputs, a: left, b: right }, backend, attrs: plainAttrs }),
          kernelName,
        );
      const isFused = kernelName === tf._FusedMatMul;
      return runAsBatchOneMatMuls(wasm, plainA, plainB, single, isFused) ?? single(plainA, plainB);
    } finally {
      disposeIntermediates(wasm, made);
    }
  };
  Object.defineProperty(wrapper, ORIGINAL_KERNEL, { value: original });
  return wrapper;
}

/**
 * Whether {@link wasmGemm} computes this `_FusedMatMul`: no activation (or `linear`), no PReLU
 * weights, and no bias or a float32 one of shape `[columns]`, which the gemm adds to every row
 * of the finished product: `tf.fused.matMul({ a, b, bias })` then costs no pass of its own
 * over the output, and gives the bits of `tf.add(tf.matMul(a, b), bias)`.
 */
function gemmAddsBias(
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap | undefined,
  columns: number,
) {
  const { a, b, bias, preluActivationWeights } = inputs;
  if (a === undefined || b === undefined || preluActivationWeights !== undefined) return false;
  const activation = attrs?.activation;
  if (activation !== undefined && activation !== null && activation !== 'linear') return false;
  const rowBias =
    bias === undefined ||
    (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === columns);
  return rowBias && gemmAccepts(a, b);
}

function isUnbatched(operand: TensorInfo): boolean {
  return tf.util.sizeFromShape(operand.shape.slice(0, -2)) <= 1;
}

/** `[..., rows, columns]` to a new `[..., columns, rows]`, recorded in `made` for disposal. */
function swapLastTwoAxes(operand: TensorInfo, backend: object, made: TensorInfo[]): TensorInfo {
  const rank = operand.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, axis) => axis), rank - 1, rank - 2];
  const swapped = runWasmKernel(tf.Transpose, { x: operand }, backend, { perm });
  made.push(swapped);
  return swapped;
}
