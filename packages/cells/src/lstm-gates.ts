import {
  isWasmHeapBackend,
  kernelFunction,
  type WasmKernelModule,
  wasmHeapOffset,
  wasmKernelExports,
} from '@bayesrnn/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LstmState } from './lstm-cell.js';
import { LSTM_CELL_WASM_PLAIN, LSTM_CELL_WASM_SHARED } from './lstm-cell-wasm.generated.js';
import { lstmUpdate } from './lstm-update.js';

/** `wasm/lstm-cell.c`. */
const MODULE: WasmKernelModule = { plain: LSTM_CELL_WASM_PLAIN, shared: LSTM_CELL_WASM_SHARED };

/** The fused gate equations on wasm: `pre`, `c` in; `h`, `c`, `acts` out. */
export const LSTM_CELL_KERNEL = 'BayesrnnLstmCell';

/** Their gradient: `dh`, `dc`, `acts`, `c` in; `dPre`, `dC` out. */
export const LSTM_CELL_GRAD_KERNEL = 'BayesrnnLstmCellGrad';

const GATES = 4;
/** `acts` keeps i, f, g, o and tanh(c) per unit for the backward pass. */
const SAVED_PER_UNIT = 5;

/**
 * The LSTM's gate equations for one step (papers.md §0.1), from the gates' pre-activations:
 *
 * ```
 * c = σ(a_f) ⊙ c_prev + σ(a_i) ⊙ tanh(a_g)     h = σ(a_o) ⊙ tanh(c)
 * ```
 *
 * On the wasm backend one kernel computes `h` and `c` and one its gradient
 * (`wasm/lstm-cell.c`), where tfjs would run ten element-wise kernels forward (the gate split,
 * three σ, two tanh, three products, a sum) and their gradients backward, each costing its fixed
 * overhead at `[20, 200]`. Other backends compose tfjs ops.
 * Values agree to float32 rounding (σ and tanh are polynomial, as XNNPACK's are).
 *
 * @param pre - `[batchSize, 4 · hiddenSize]` (gate blocks i, f, g, o side by side) or
 *   `[4, batchSize, hiddenSize]` (one slice per gate).
 * @param previousC - `[batchSize, hiddenSize]`.
 */
export function lstmGates(pre: tf.Tensor, previousC: tf.Tensor2D): LstmState {
  if (!isWasmHeapBackend(tf.backend()) || pre.dtype !== 'float32') {
    const [i, f, g, o] = (pre.rank === 3
      ? tf.unstack(pre, 0)
      : tf.split(pre, GATES, 1)) as tf.Tensor2D[] as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    return lstmUpdate(i, f, g, o, previousC);
  }
  const { h, c, acts } = fusedLstmGates(pre, previousC);
  // The gradient keeps its own handle on `acts` (the engine saves a clone); this one is spare.
  acts.dispose();
  return { h, c };
}

/**
 * The fused gate equations on wasm (`lstmGates`' kernel, float32 only), with `acts`
 * `[batchSize, 5 · hiddenSize]`: i, f, g, o and tanh(c) per unit, which
 * {@link fusedLstmGatesGradient} reads. For code that writes its own backward pass.
 */
export function fusedLstmGates(
  pre: tf.Tensor,
  previousC: tf.Tensor2D,
): { h: tf.Tensor2D; c: tf.Tensor2D; acts: tf.Tensor2D } {
  registerLstmCellKernels();
  const [h, c, acts] = tf
    .engine()
    .runKernel(LSTM_CELL_KERNEL, { pre, c: previousC }) as tf.Tensor2D[];
  return { h: h as tf.Tensor2D, c: c as tf.Tensor2D, acts: acts as tf.Tensor2D };
}

/**
 * The gradient of {@link fusedLstmGates} for the upstream `dh` and `dc`: `dPre` (of `pre`'s
 * shape) and `dC` (of `previousC`). `acts` and `previousC` are those of the forward call.
 */
export function fusedLstmGatesGradient(
  dh: tf.Tensor2D,
  dc: tf.Tensor2D,
  acts: tf.Tensor2D,
  previousC: tf.Tensor2D,
  preShape: readonly number[],
): { dPre: tf.Tensor; dC: tf.Tensor2D } {
  registerLstmCellKernels();
  const [dPre, dC] = tf.engine().runKernel<tf.Tensor[]>(
    LSTM_CELL_GRAD_KERNEL,
    { dh, dc, acts, c: previousC },
    {
      preShape: [...preShape],
    },
  );
  return { dPre: dPre as tf.Tensor, dC: dC as tf.Tensor2D };
}

/** Batch, units and the strides of `pre`'s layout; a clear error for shapes that do not fit. */
function layout(preShape: readonly number[], cShape: readonly number[]) {
  const [batch = 0, hidden = 0] = cShape;
  const rows = preShape.length === 2 && preShape[0] === batch && preShape[1] === GATES * hidden;
  const blocks =
    preShape.length === 3 &&
    preShape[0] === GATES &&
    preShape[1] === batch &&
    preShape[2] === hidden;
  if (cShape.length !== 2 || !(rows || blocks)) {
    throw new Error(
      `bayesrnn: ${LSTM_CELL_KERNEL} needs pre [B, 4H] or [4, B, H] and c [B, H], got pre [${preShape}] and c [${cShape}]`,
    );
  }
  return rows
    ? { batch, hidden, rowStride: GATES * hidden, gateStride: hidden }
    : { batch, hidden, rowStride: hidden, gateStride: batch * hidden };
}

type Heap = { makeOutput(shape: number[], dtype: 'float32'): TensorInfo };

/** Runs `exportName` on this thread (one step is a few thousand units: too little to split). */
function run(backend: object, exportName: string, tensors: TensorInfo[], sizes: number[]): void {
  const at = (info: TensorInfo) => wasmHeapOffset(backend, info.dataId, exportName);
  const fn = kernelFunction<(...args: number[]) => void>(
    wasmKernelExports(backend, MODULE, exportName),
    exportName,
  );
  fn(...tensors.map(at), ...sizes);
}

const forwardKernel: KernelFunc = ({ inputs, backend }) => {
  const pre = inputs.pre as TensorInfo;
  const c = inputs.c as TensorInfo;
  const { batch, hidden, rowStride, gateStride } = layout(pre.shape, c.shape);
  const heap = backend as unknown as Heap;
  const outputs = [
    heap.makeOutput([batch, hidden], 'float32'),
    heap.makeOutput([batch, hidden], 'float32'),
    heap.makeOutput([batch, SAVED_PER_UNIT * hidden], 'float32'),
  ];
  if (batch * hidden > 0) {
    run(backend, 'lstm_forward', [pre, c, ...outputs], [batch, hidden, rowStride, gateStride]);
  }
  return outputs;
};

const gradientKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [dh, dc, acts, c] = ['dh', 'dc', 'acts', 'c'].map((name) => inputs[name] as TensorInfo) as [
    TensorInfo,
    TensorInfo,
    TensorInfo,
    TensorInfo,
  ];
  const preShape = attrs?.preShape as number[];
  const { batch, hidden, rowStride, gateStride } = layout(preShape, c.shape);
  const heap = backend as unknown as Heap;
  const outputs = [
    heap.makeOutput([...preShape], 'float32'),
    heap.makeOutput([batch, hidden], 'float32'),
  ];
  if (batch * hidden > 0) {
    const tensors = [dh, dc, acts, c, ...outputs];
    run(backend, 'lstm_backward', tensors, [batch, hidden, rowStride, gateStride]);
  }
  return outputs;
};

let registered = false;

/** Registers both kernels for wasm and the forward kernel's gradient, once. */
function registerLstmCellKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: LSTM_CELL_KERNEL,
    backendName: 'wasm',
    kernelFunc: forwardKernel,
  });
  tf.registerKernel({
    kernelName: LSTM_CELL_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: gradientKernel,
  });
  tf.registerGradient({
    kernelName: LSTM_CELL_KERNEL,
    inputsToSave: ['pre', 'c'],
    outputsToSave: [false, false, true],
    gradFunc: (dy, saved) => {
      const [dh, dc] = dy as (tf.Tensor | null)[];
      const [pre, c, acts] = saved as [tf.Tensor, tf.Tensor2D, tf.Tensor];
      // An output nothing downstream used (the window's last c, say) has no dy.
      const { dPre, dC } = fusedLstmGatesGradient(
        (dh ?? tf.zerosLike(c)) as tf.Tensor2D,
        (dc ?? tf.zerosLike(c)) as tf.Tensor2D,
        acts as tf.Tensor2D,
        c,
        pre.shape,
      );
      return { pre: () => dPre, c: () => dC };
    },
  });
}
