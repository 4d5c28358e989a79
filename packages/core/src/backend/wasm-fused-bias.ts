import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { disposeIntermediates, runWasmKernel, type WasmBackend } from './wasm-kernel-utils.js';

/** The single-input wasm kernel for each activation `_FusedMatMul` fuses (but `prelu`). */
const UNARY_ACTIVATIONS: Readonly<Record<string, string>> = {
  relu: tf.Relu,
  relu6: tf.Relu6,
  elu: tf.Elu,
  sigmoid: tf.Sigmoid,
};

/**
 * Whether wasm's own `_FusedMatMul` adds this bias and applies this activation as cpu does
 * (on its fast path, once this package's wrapper made the product untransposed, batch 1):
 *
 * - the bias, if any, has shape `[columns]` and its buffer is stored rank-1. The kernel reads
 *   the rank of the *stored* shape: a `[b, 1, n]` bias stored as `[b, 1, n]` throws "only
 *   supports rank-1 bias", and one reshaped from a flat `[b * n]` passes the check and has
 *   its first `n` values added to every batch entry. Scalars, `[1]`, `[m, n]`, `[b, 1, n]`,
 *   … (all of which tfjs's op accepts, and cpu broadcasts) are not fused.
 * - PReLU weights, if any, are rank ≤ 1 (one value, or one per column), so that folding or
 *   splitting the batch into batch-1 products cuts them correctly.
 */
export function wasmFusesEpilogue(
  wasm: WasmBackend,
  inputs: NamedTensorInfoMap,
  columns: number,
): boolean {
  const { bias, preluActivationWeights: prelu } = inputs;
  if (prelu !== undefined && prelu.shape.length > 1) return false;
  if (bias === undefined) return true;
  const stored = wasm.dataIdMap.get(bias.dataId)?.shape;
  return bias.shape.length === 1 && bias.shape[0] === columns && stored?.length === 1;
}

/**
 * `_FusedMatMul` as cpu computes it, from ordinary wasm kernels: the product (through the
 * registered `BatchMatMul`, i.e. this package's fast wrapper), then `Add` of the bias with
 * full broadcasting, then the activation. For biases and PReLU weights that
 * {@link wasmFusesEpilogue} rejects; costs an extra pass over the output per step.
 *
 * Like cpu's kernel, the bias broadcasts against the rank-3 product the op hands the
 * kernel (`[batch, rows, columns]`), and the output has the broadcast shape.
 */
export function unfusedMatMul(
  wasm: WasmBackend,
  inputs: NamedTensorInfoMap,
  backend: object,
  attrs: NamedAttrMap,
): TensorInfo {
  const { a, b, bias, preluActivationWeights: prelu } = inputs;
  if (a === undefined || b === undefined) {
    throw new Error(`bayesrnn: ${tf._FusedMatMul} needs inputs 'a' and 'b'`);
  }
  // Every output, in order; all but the last (the result) are freed.
  const steps: TensorInfo[] = [];
  const run: RunKernel = (kernelName, kernelInputs, kernelAttrs) => {
    const output = runWasmKernel(kernelName, kernelInputs, backend, kernelAttrs);
    steps.push(output);
    return output;
  };
  try {
    const { transposeA = false, transposeB = false } = attrs;
    const product = run(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
    const biased = bias === undefined ? product : run(tf.Add, { a: product, b: bias });
    const result = activate(biased, run, attrs, prelu);
    steps.pop();
    return result;
  } finally {
    disposeIntermediates(wasm, steps);
  }
}

/** Runs one wasm kernel and records its output for disposal. */
type RunKernel = (
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs?: NamedAttrMap,
) => TensorInfo;

/** `x` after `attrs.activation` (`x` itself for `linear`, or none), run through `run`. */
function activate(
  x: TensorInfo,
  run: RunKernel,
  attrs: NamedAttrMap,
  prelu: TensorInfo | undefined,
): TensorInfo {
  const activation = attrs.activation ?? 'linear';
  if (activation === 'linear') return x;
  const unary = typeof activation === 'string' ? UNARY_ACTIVATIONS[activation] : undefined;
  if (unary !== undefined) return run(unary, { x });
  if (activation === 'leakyrelu') {
    // As wasm's fused kernel: a missing alpha is 0 (tfjs's op always passes one).
    const alpha = typeof attrs.leakyreluAlpha === 'number' ? attrs.leakyreluAlpha : 0;
    return run(tf.LeakyRelu, { x }, { alpha });
  }
  if (activation === 'prelu' && prelu !== undefined) {
    // relu(x) − α·relu(−x), broadcasting α as cpu's Prelu does. wasm's Prelu kernel reads α
    // cyclically, wrong for weights such as `[rows, 1]`. Exact: one term is always 0.
    const negativePart = run(tf.Relu, { x: run(tf.Neg, { x }) });
    const scaled = run(tf.Multiply, { a: negativePart, b: prelu });
    return run(tf.Sub, { a: run(tf.Relu, { x }), b: scaled });
  }
  throw new Error(`bayesrnn: ${String(activation)} activation is not supported by wasm matmul`);
}
