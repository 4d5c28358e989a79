import {
  heapKernelThreads,
  isWasmHeapBackend,
  runHeapKernelParts,
  splitRange,
  type WasmKernelModule,
  wasmHeapOffset,
} from '@bayesrnn/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  SOFTMAX_XENT_WASM_PLAIN,
  SOFTMAX_XENT_WASM_SHARED,
} from './softmax-cross-entropy-wasm.generated.js';

const MODULE: WasmKernelModule = {
  plain: SOFTMAX_XENT_WASM_PLAIN,
  shared: SOFTMAX_XENT_WASM_SHARED,
};

/** The tfjs kernel of the fused forward pass on wasm: logits, targets in; nll, e, s out. */
export const SOFTMAX_XENT_KERNEL = 'BayesrnnSoftmaxCrossEntropy';

/** The tfjs kernel of its gradient: e, s, targets, dy in; d logits out. */
export const SOFTMAX_XENT_GRAD_KERNEL = 'BayesrnnSoftmaxCrossEntropyGrad';

/** Logits per thread below which a call stays on one thread (waking a helper costs ~50 µs). */
const MIN_ELEMENTS_PER_THREAD = 1 << 16;

/** The forward pass: per-row NLL, and what the gradient needs. */
export interface SoftmaxCrossEntropyParts {
  /** `[rows]`: `log s − (x_target − m)`. */
  readonly nll: tf.Tensor1D;
  /** `[rows, vocabSize]`: `exp(x − m)`, m the row's maximum. */
  readonly exponentials: tf.Tensor2D;
  /** `[rows]`: `s = Σ exp(x − m)`. */
  readonly sums: tf.Tensor1D;
}

/**
 * {@link sparseSoftmaxCrossEntropy}'s forward pass in one kernel on the wasm backend
 * (`wasm/softmax-cross-entropy.c`, rows split over the heap's helper threads): a row's max,
 * then its exponentials and their sum in one pass. `undefined` elsewhere (or for non-float32
 * logits), where the caller composes tfjs ops. The kernel is not on the tape: call it inside
 * a `customGrad`, whose gradient is {@link fusedSoftmaxCrossEntropyGrad}.
 */
export function fusedSoftmaxCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
): SoftmaxCrossEntropyParts | undefined {
  if (!isWasmHeapBackend(tf.backend()) || logits.dtype !== 'float32') return undefined;
  registerFusedSoftmaxCrossEntropy();
  const ids = targets.dtype === 'int32' ? targets : tf.cast(targets, 'int32');
  const [nll, exponentials, sums] = tf
    .engine()
    .runKernel(SOFTMAX_XENT_KERNEL, { logits, targets: ids }) as tf.Tensor[];
  if (ids !== targets) ids.dispose();
  return {
    nll: nll as tf.Tensor1D,
    exponentials: exponentials as tf.Tensor2D,
    sums: sums as tf.Tensor1D,
  };
}

/** `d logits = e · (dy / s) − onehot(targets) · dy`, one pass on wasm. */
export function fusedSoftmaxCrossEntropyGrad(
  exponentials: tf.Tensor,
  sums: tf.Tensor,
  targets: tf.Tensor,
  dy: tf.Tensor,
): tf.Tensor2D {
  registerFusedSoftmaxCrossEntropy();
  const inputs = { exponentials, sums, targets, dy: tf.reshape(dy, [-1]) };
  const dx = tf.engine().runKernel(SOFTMAX_XENT_GRAD_KERNEL, inputs) as tf.Tensor2D;
  inputs.dy.dispose();
  return dx;
}

/** Row ranges `[begin, end)` of a `[rows, columns]` pass for the heap's threads. */
const rowParts = (backend: object, rows: number, columns: number, where: string) =>
  splitRange(rows, heapKernelThreads(backend, rows * columns, where, MIN_ELEMENTS_PER_THREAD));

type MakeOutput = { makeOutput(shape: number[], dtype: 'float32'): TensorInfo };

const forwardKernel: KernelFunc = ({ inputs, backend }) => {
  const where = SOFTMAX_XENT_KERNEL;
  const { logits, targets } = inputs as Record<'logits' | 'targets', TensorInfo>;
  const [rows = 0, columns = 0] = logits.shape;
  if (logits.shape.length !== 2 || targets.shape.length !== 1 || targets.shape[0] !== rows) {
    throw new Error(
      `bayesrnn: ${where} needs [rows, vocabSize] logits and [rows] targets, got [${logits.shape}] and [${targets.shape}]`,
    );
  }
  const wasm = backend as unknown as MakeOutput;
  const outputs = [
    wasm.makeOutput([rows], 'float32'),
    wasm.makeOutput([rows, columns], 'float32'),
    wasm.makeOutput([rows], 'float32'),
  ];
  if (rows * columns === 0) return outputs;
  const at = [logits, targets, ...outputs].map((t) => wasmHeapOffset(backend, t.dataId, where));
  const parts = rowParts(backend, rows, columns, where).map((range) => [...at, columns, ...range]);
  runHeapKernelParts(backend, MODULE, 'softmax_xent', parts, where);
  return outputs;
};

const gradKernel: KernelFunc = ({ inputs, backend }) => {
  const where = SOFTMAX_XENT_GRAD_KERNEL;
  const { exponentials, sums, targets, dy } = inputs as Record<
    'exponentials' | 'sums' | 'targets' | 'dy',
    TensorInfo
  >;
  const [rows = 0, columns = 0] = exponentials.shape;
  const dx = (backend as unknown as MakeOutput).makeOutput([rows, columns], 'float32');
  if (rows * columns === 0) return dx;
  const at = [exponentials, sums, targets, dy, dx].map((t) =>
    wasmHeapOffset(backend, t.dataId, where),
  );
  const parts = rowParts(backend, rows, columns, where).map((range) => [...at, columns, ...range]);
  runHeapKernelParts(backend, MODULE, 'softmax_xent_grad', parts, where);
  return dx;
};

let registered = false;

/** Registers both kernels for wasm, once. */
function registerFusedSoftmaxCrossEntropy(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: SOFTMAX_XENT_KERNEL,
    backendName: 'wasm',
    kernelFunc: forwardKernel,
  });
  tf.registerKernel({
    kernelName: SOFTMAX_XENT_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: gradKernel,
  });
}
