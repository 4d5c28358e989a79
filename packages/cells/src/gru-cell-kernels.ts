import { isWasmHeapBackend, type WasmKernelModule } from '@bayesrnn/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { callCellKernel } from './cell-kernel-call.js';
import { GRU_CELL_WASM_PLAIN, GRU_CELL_WASM_SHARED } from './gru-cell-wasm.generated.js';
import type { StepView } from './lstm-gates.js';

/** `wasm/gru-cell.c`. */
const MODULE: WasmKernelModule = { plain: GRU_CELL_WASM_PLAIN, shared: GRU_CELL_WASM_SHARED };

/**
 * A GRU window's step on wasm: the step's products `h̃ W_h`, the window's projections `P^{rz}`
 * and `P^n` (read in place at attrs `gatesOffset`, `gatesRow`, `candidateOffset`,
 * `candidateRow`, in elements), `b_hn` and `h_{t−1}` in; `h_t`, `(r, z)`, `q` and `n` out.
 * No gradient: `gruRecurrence`, its one user, writes its own backward pass.
 */
export const GRU_STEP_KERNEL = 'BayesrnnGruStep';

/**
 * Its backward step: the step's output gradient (read in place at attrs `offset`, `rowStride`),
 * the carry from the next step (absent at the last), `(r, z)`, `q`, `n` and `h_{t−1}` in; the
 * products' gradient (in their layout), `da_n` and `g ⊙ z` out.
 */
export const GRU_STEP_GRAD_KERNEL = 'BayesrnnGruStepGrad';

/** Batch, units and the strides of the products' layout: `[B, 3H]` tied, `[3, B, H]` untied. */
function productLayout(productShape: readonly number[], hShape: readonly number[]) {
  const [batch = 0, hidden = 0] = hShape;
  const rows = productShape.length === 2 && productShape[1] === 3 * hidden;
  const blocks = productShape.length === 3 && productShape[0] === 3 && productShape[2] === hidden;
  if (hShape.length !== 2 || !(rows || blocks) || productShape.at(-2) !== batch) {
    throw new Error(
      `bayesrnn: ${GRU_STEP_KERNEL} needs products [B, 3H] or [3, B, H] and h [B, H], got [${productShape}] and [${hShape}]`,
    );
  }
  return rows
    ? { batch, hidden, productRow: 3 * hidden, productGate: hidden }
    : { batch, hidden, productRow: hidden, productGate: batch * hidden };
}

type Heap = { makeOutput(shape: number[], dtype: 'float32'): TensorInfo };

const stepKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { product, gates, candidate, bias, h } = inputs as Record<
    'product' | 'gates' | 'candidate' | 'bias' | 'h',
    TensorInfo
  >;
  const { gatesOffset, gatesRow, candidateOffset, candidateRow } = attrs as Record<
    'gatesOffset' | 'gatesRow' | 'candidateOffset' | 'candidateRow',
    number
  >;
  const { batch, hidden, productRow, productGate } = productLayout(product.shape, h.shape);
  const heap = backend as unknown as Heap;
  const unitShape = [batch, hidden];
  const outputs = [unitShape, [batch, 2 * hidden], unitShape, unitShape].map((shape) =>
    heap.makeOutput(shape, 'float32'),
  );
  if (batch * hidden > 0) {
    const tensors = [product, gates, candidate, bias, h, ...outputs] as TensorInfo[];
    const sizes = [batch, hidden, productRow, productGate, gatesRow, candidateRow];
    const offsets = [0, gatesOffset, candidateOffset];
    callCellKernel(backend, MODULE, 'gru_forward', tensors, sizes, offsets);
  }
  return outputs;
};

const stepGradientKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dh, rz, q, n, h } = inputs as Record<'dh' | 'rz' | 'q' | 'n' | 'h', TensorInfo>;
  // Absent at the window's last step: the kernel reads a null pointer as "nothing to add".
  const carry = inputs.carry ?? null;
  const { productShape, offset, rowStride } = attrs as {
    productShape: number[];
    offset: number;
    rowStride: number;
  };
  const { batch, hidden, productRow, productGate } = productLayout(productShape, h.shape);
  const heap = backend as unknown as Heap;
  const outputs = [productShape, [batch, hidden], [batch, hidden]].map((shape) =>
    heap.makeOutput(shape, 'float32'),
  );
  if (batch * hidden > 0) {
    const tensors = [dh, carry, rz, q, n, h, ...outputs] as (TensorInfo | null)[];
    const sizes = [batch, hidden, productRow, productGate, rowStride];
    callCellKernel(backend, MODULE, 'gru_backward', tensors, sizes, [offset]);
  }
  return outputs;
};

/**
 * Whether a GRU window runs its steps on these kernels: on the wasm backend, with float32
 * tensors and at least one step (the caller composes tfjs ops otherwise).
 */
export function usesGruKernels(tensors: readonly tf.Tensor[]): boolean {
  const float32 = tensors.every((t) => t.dtype === 'float32');
  return isWasmHeapBackend(tf.backend()) && float32 && tensors.every((t) => t.size > 0);
}

let registered = false;

function registerGruStepKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: GRU_STEP_KERNEL, backendName: 'wasm', kernelFunc: stepKernel });
  tf.registerKernel({
    kernelName: GRU_STEP_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: stepGradientKernel,
  });
}

/** A GRU step's tensors kept for the backward pass, and its output `h`. */
export interface GruStep {
  readonly h: tf.Tensor2D;
  readonly rz: tf.Tensor2D;
  readonly q: tf.Tensor2D;
  readonly n: tf.Tensor2D;
}

/** What the backward pass of a step reads: `(r, z)`, `q`, `n` and `h_{t−1}`, `[B, …]` each. */
export interface GruSavedStep {
  readonly rz: tf.Tensor;
  readonly q: tf.Tensor;
  readonly n: tf.Tensor;
  readonly previous: tf.Tensor;
}

/**
 * One step of the GRU window's forward equations on wasm in one kernel (`wasm/gru-cell.c`):
 * `product` is the step's `h̃ W_h` (`[B, 3H]` or `[3, B, H]`), `gates` and `candidate` are the
 * window's `P^{rz}` and `P^n`, read at `gatesView` and `candidateView`.
 */
export function fusedGruStep(
  product: tf.Tensor,
  gates: tf.Tensor,
  gatesView: StepView,
  candidate: tf.Tensor,
  candidateView: StepView,
  bias: tf.Tensor,
  h: tf.Tensor2D,
): GruStep {
  registerGruStepKernels();
  const attrs = {
    gatesOffset: gatesView.offset,
    gatesRow: gatesView.rowStride,
    candidateOffset: candidateView.offset,
    candidateRow: candidateView.rowStride,
  };
  const inputs = { product, gates, candidate, bias, h };
  const [next, rz, q, n] = tf.engine().runKernel(GRU_STEP_KERNEL, inputs, attrs) as tf.Tensor2D[];
  return { h: next, rz, q, n } as GruStep;
}

/**
 * One backward step on wasm in one kernel: `dh` is the window's output gradient read at `view`,
 * `carry` the gradient from the next step (absent at the last); returns the products' gradient
 * (in `productShape`), `da_n` and `g ⊙ z`.
 */
export function fusedGruStepGradient(
  dh: tf.Tensor,
  view: StepView,
  carry: tf.Tensor | undefined,
  step: GruSavedStep,
  productShape: readonly number[],
): { dProduct: tf.Tensor; dN: tf.Tensor2D; gz: tf.Tensor2D } {
  registerGruStepKernels();
  const inputs = {
    dh,
    ...(carry === undefined ? {} : { carry }),
    rz: step.rz,
    q: step.q,
    n: step.n,
    h: step.previous,
  };
  const attrs = { productShape: [...productShape], offset: view.offset, rowStride: view.rowStride };
  const [dProduct, dN, gz] = tf
    .engine()
    .runKernel(GRU_STEP_GRAD_KERNEL, inputs, attrs) as tf.Tensor[];
  return { dProduct: dProduct as tf.Tensor, dN: dN as tf.Tensor2D, gz: gz as tf.Tensor2D };
}
