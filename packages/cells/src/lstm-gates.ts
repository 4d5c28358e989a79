import { isWasmHeapBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LstmState } from './lstm-cell.js';
import {
  LSTM_CELL_GRAD_KERNEL,
  LSTM_CELL_GRAD_SUM_KERNEL,
  LSTM_CELL_KERNEL,
  LSTM_CELL_KERNEL_CONFIGS,
  LSTM_CELL_SUM_KERNEL,
} from './lstm-cell-kernels.js';
import { lstmUpdate } from './lstm-update.js';

export { LSTM_CELL_GRAD_KERNEL, LSTM_CELL_KERNEL } from './lstm-cell-kernels.js';

const GATES = 4;

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
 * Values agree to float32 rounding (σ and tanh are polynomial, as XNNPACK's are), except that
 * the kernels write values below 2^-63 as zero: a saturated gate makes them, and the matrix
 * products that read h and the gradients would take an Intel microcode assist for each
 * subnormal they read or make (`packages/core/wasm/subnormal.h`).
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

/** Where a step's slice lies inside a larger tensor read in place, in elements. */
export interface StepView {
  readonly offset: number;
  readonly rowStride: number;
  /** Between the gate blocks of a projection's step (unused for dh). */
  readonly gateStride?: number;
}

/**
 * {@link fusedLstmGates} of `pre + addend`, where `addend` is read in place inside `projection`
 * at `view` (a step of a window's input projection): no Add and no slice of it per step. The
 * sum is the float32 add an Add makes, so values are those of `fusedLstmGates(pre + addend)`
 * bit for bit. No gradient: for code that writes its own backward pass (`lstmRecurrence`).
 */
export function fusedLstmGatesPlus(
  pre: tf.Tensor,
  projection: tf.Tensor,
  view: StepView,
  previousC: tf.Tensor2D,
): { h: tf.Tensor2D; c: tf.Tensor2D; acts: tf.Tensor2D } {
  registerLstmCellKernels();
  const { offset, rowStride, gateStride = 0 } = view;
  const [h, c, acts] = tf
    .engine()
    .runKernel(
      LSTM_CELL_SUM_KERNEL,
      { pre, addend: projection, c: previousC },
      { offset, rowStride, gateStride },
    ) as tf.Tensor2D[];
  return { h: h as tf.Tensor2D, c: c as tf.Tensor2D, acts: acts as tf.Tensor2D };
}

/**
 * {@link fusedLstmGatesGradient} of `dh = dhStep + dhCarried`, where `dhStep` is read in place
 * inside `upstream` at `view` (a step of a window's output gradient) and `dhCarried` (the
 * gradient from the next step) is `[B, H]` or absent (the last step).
 */
export function fusedLstmGatesGradientPlus(
  upstream: tf.Tensor,
  view: StepView,
  dhCarried: tf.Tensor2D | undefined,
  dc: tf.Tensor2D,
  acts: tf.Tensor2D,
  previousC: tf.Tensor2D,
  preShape: readonly number[],
): { dPre: tf.Tensor; dC: tf.Tensor2D } {
  registerLstmCellKernels();
  const inputs = {
    dhStep: upstream,
    ...(dhCarried === undefined ? {} : { dhCarried }),
    dc,
    acts,
    c: previousC,
  };
  const attrs = { preShape: [...preShape], offset: view.offset, rowStride: view.rowStride };
  const [dPre, dC] = tf.engine().runKernel<tf.Tensor[]>(LSTM_CELL_GRAD_SUM_KERNEL, inputs, attrs);
  return { dPre: dPre as tf.Tensor, dC: dC as tf.Tensor2D };
}

let registered = false;

/** Registers the kernels for wasm and the forward kernel's gradient, once. */
function registerLstmCellKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of LSTM_CELL_KERNEL_CONFIGS) tf.registerKernel(config);
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
