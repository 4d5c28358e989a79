import type { WasmKernelModule } from '@bayesrnn/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { callCellKernel } from './cell-kernel-call.js';
import { LSTM_CELL_WASM_PLAIN, LSTM_CELL_WASM_SHARED } from './lstm-cell-wasm.generated.js';

/** `wasm/lstm-cell.c`. */
const MODULE: WasmKernelModule = { plain: LSTM_CELL_WASM_PLAIN, shared: LSTM_CELL_WASM_SHARED };

/** The fused gate equations on wasm: `pre`, `c` in; `h`, `c`, `acts` out. */
export const LSTM_CELL_KERNEL = 'BayesrnnLstmCell';

/** Their gradient: `dh`, `dc`, `acts`, `c` in; `dPre`, `dC` out. */
export const LSTM_CELL_GRAD_KERNEL = 'BayesrnnLstmCellGrad';

/**
 * `LSTM_CELL_KERNEL` of `pre + addend`, `addend` a step of a window's projection read in place
 * (attrs `offset`, `rowStride`, `gateStride`, in elements). It has no gradient:
 * `lstmRecurrence`, its one user, writes its own backward pass.
 */
export const LSTM_CELL_SUM_KERNEL = 'BayesrnnLstmCellSum';

/**
 * `LSTM_CELL_GRAD_KERNEL` of `dh = dhStep + dhCarried`: `dhStep` a step of a window's output
 * gradient read in place (attrs `offset`, `rowStride`), `dhCarried` `[B, H]` or absent.
 */
export const LSTM_CELL_GRAD_SUM_KERNEL = 'BayesrnnLstmCellGradSum';

const GATES = 4;
/** `acts` keeps i, f, g, o and tanh(c) per unit for the backward pass. */
const SAVED_PER_UNIT = 5;

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

/** Runs `exportName` of `wasm/lstm-cell.c` ({@link callCellKernel}). */
function run(
  backend: object,
  exportName: string,
  tensors: (TensorInfo | null)[],
  sizes: number[],
  offsets: number[] = [],
): void {
  callCellKernel(backend, MODULE, exportName, tensors, sizes, offsets);
}

/** `h`, `c` and `acts` of a step, new. */
function forwardOutputs(backend: object, batch: number, hidden: number): TensorInfo[] {
  const heap = backend as Heap;
  return [
    heap.makeOutput([batch, hidden], 'float32'),
    heap.makeOutput([batch, hidden], 'float32'),
    heap.makeOutput([batch, SAVED_PER_UNIT * hidden], 'float32'),
  ];
}

/** `dPre` and `dC` of a step, new. */
function gradientOutputs(backend: object, preShape: number[], cShape: number[]): TensorInfo[] {
  const heap = backend as Heap;
  return [heap.makeOutput([...preShape], 'float32'), heap.makeOutput([...cShape], 'float32')];
}

const forwardKernel: KernelFunc = ({ inputs, backend }) => {
  const { pre, c } = inputs as Record<'pre' | 'c', TensorInfo>;
  const { batch, hidden, rowStride, gateStride } = layout(pre.shape, c.shape);
  const outputs = forwardOutputs(backend, batch, hidden);
  if (batch * hidden > 0) {
    run(backend, 'lstm_forward', [pre, c, ...outputs], [batch, hidden, rowStride, gateStride]);
  }
  return outputs;
};

const forwardSumKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { pre, addend, c } = inputs as Record<'pre' | 'addend' | 'c', TensorInfo>;
  const {
    offset = 0,
    rowStride: addRow = 0,
    gateStride: addGate = 0,
  } = attrs as {
    offset?: number;
    rowStride?: number;
    gateStride?: number;
  };
  const { batch, hidden, rowStride, gateStride } = layout(pre.shape, c.shape);
  const outputs = forwardOutputs(backend, batch, hidden);
  if (batch * hidden > 0) {
    const sizes = [batch, hidden, rowStride, gateStride, addRow, addGate];
    run(backend, 'lstm_forward_sum', [pre, addend, c, ...outputs], sizes, [0, offset]);
  }
  return outputs;
};

const gradientKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dh, dc, acts, c } = inputs as Record<'dh' | 'dc' | 'acts' | 'c', TensorInfo>;
  const preShape = attrs?.preShape as number[];
  const { batch, hidden, rowStride, gateStride } = layout(preShape, c.shape);
  const outputs = gradientOutputs(backend, preShape, c.shape);
  if (batch * hidden > 0) {
    const tensors = [dh, dc, acts, c, ...outputs];
    run(backend, 'lstm_backward', tensors, [batch, hidden, rowStride, gateStride]);
  }
  return outputs;
};

const gradientSumKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dhStep, dc, acts, c } = inputs as Record<'dhStep' | 'dc' | 'acts' | 'c', TensorInfo>;
  // Absent at the window's last step: the kernel reads a null pointer as "nothing to add".
  const dhCarried = inputs.dhCarried ?? null;
  const { preShape, offset = 0 } = attrs as { preShape: number[]; offset?: number };
  const stepRow = (attrs?.rowStride as number | undefined) ?? 0;
  const { batch, hidden, rowStride, gateStride } = layout(preShape, c.shape);
  const outputs = gradientOutputs(backend, preShape, c.shape);
  if (batch * hidden > 0) {
    const tensors = [dhStep, dhCarried, dc, acts, c, ...outputs];
    const sizes = [batch, hidden, rowStride, gateStride, stepRow];
    run(backend, 'lstm_backward_sum', tensors, sizes, [offset]);
  }
  return outputs;
};

/** The four kernels on wasm. */
export const LSTM_CELL_KERNEL_CONFIGS: readonly KernelConfig[] = [
  { kernelName: LSTM_CELL_KERNEL, backendName: 'wasm', kernelFunc: forwardKernel },
  { kernelName: LSTM_CELL_GRAD_KERNEL, backendName: 'wasm', kernelFunc: gradientKernel },
  { kernelName: LSTM_CELL_SUM_KERNEL, backendName: 'wasm', kernelFunc: forwardSumKernel },
  { kernelName: LSTM_CELL_GRAD_SUM_KERNEL, backendName: 'wasm', kernelFunc: gradientSumKernel },
];
