import { disposeTree, foldIn, globalGradientNorm, mapTree, stopGradient } from '@bayesrnn/core';
import type { RngKey, TensorTree } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  type ClipGroups,
  clipByGroup,
  type GroupClipNorms,
  gradientsByGroup,
} from './clip-groups.js';
import type { Gradients, Optimizer, OptimizerState } from './optimizer.js';
import type { TrainTask, WindowContext } from './train-task.js';

/** What one step needs: the task, the carried state and the optimiser with its state. */
export interface TrainingStepInput<State extends TensorTree> {
  readonly task: TrainTask<State>;
  readonly window: number;
  readonly state: State;
  readonly context: WindowContext;
  readonly optimizer: Optimizer;
  readonly optimizerState: OptimizerState;
  readonly learningRate: number;
  /** Global-norm clipping threshold; `Infinity` turns clipping off. */
  readonly clipNorm: number;
  /** Clip these groups of variables each by its own norm; default one group (`ClipGroups`). */
  readonly clipGroups?: ClipGroups;
  /** Thresholds of named groups in place of `clipNorm` (`GroupClipNorms`). */
  readonly groupClipNorms?: GroupClipNorms;
}

/** A step's outcome. `state` and `optimizerState` are new tensors the caller owns. */
export interface TrainingStepResult<State extends TensorTree> {
  /** False when the loss, a part or the gradient norm was not finite: nothing was applied. */
  readonly finite: boolean;
  readonly loss: number;
  /** `‖g‖` over all gradients, before clipping. */
  readonly gradientNorm: number;
  /** Each clipping group's norm before clipping, when `clipGroups` made more than one. */
  readonly gradientNorms?: { readonly [group: string]: number };
  readonly parts: { readonly [name: string]: number };
  readonly tokens: number;
  /** The carried state for the next window (gradient stopped); `undefined` unless finite. */
  readonly state: State | undefined;
  /** The optimiser's next state; `undefined` unless finite. */
  readonly optimizerState: OptimizerState | undefined;
}

/** Loss, gradients by the task's variable names, and everything kept out of the tape. */
interface WindowGradients<State extends TensorTree> {
  readonly gradients: Gradients;
  /** `[loss, ...parts]`, kept out of the tape's tidy. */
  readonly summary: tf.Tensor1D;
  readonly partNames: readonly string[];
  readonly state: State;
  readonly tokens: number;
}

/**
 * Runs `windowLoss` under `tf.variableGrads`. variableGrads disposes every tensor the closure
 * made except the loss it returns, so the next state and the loss parts are taken out of its
 * tidy with `tf.keep`; the state goes through `stopGradient` so that, even if a caller ran two
 * windows in one tape, no gradient could cross the window boundary (truncated BPTT).
 */
function windowGradients<State extends TensorTree>(
  input: TrainingStepInput<State>,
): WindowGradients<State> {
  const { task, window, state, context } = input;
  let kept: Omit<WindowGradients<State>, 'gradients'> | undefined;
  const variables = Object.entries(task.variables);
  const { value, grads } = tf.variableGrads(
    () => {
      const result = task.windowLoss(window, state, context);
      const parts = result.parts ?? {};
      const partNames = Object.keys(parts);
      const scalars = partNames.map((name) => parts[name] ?? tf.scalar(Number.NaN));
      kept = {
        summary: tf.keep(tf.stack([result.loss, ...scalars]) as tf.Tensor1D),
        partNames,
        // mapTree keeps the structure; its type cannot be reduced for a generic State.
        state: mapTree(result.state, (tensor) => tf.keep(stopGradient(tensor))) as unknown as State,
        tokens: result.tokens,
      };
      return result.loss;
    },
    variables.map(([, variable]) => variable),
  );
  value.dispose();
  if (kept === undefined) throw new Error('internal: windowLoss did not run');
  // variableGrads names gradients by tfjs variable name; the task names them by its keys.
  const gradients: { [name: string]: tf.Tensor } = {};
  for (const [name, variable] of variables) {
    const gradient = grads[variable.name];
    if (gradient) gradients[name] = gradient;
  }
  return { ...kept, gradients };
}

/**
 * The optimiser's update with global-norm clipping's `scale` (1: no clipping). An optimiser
 * that scales gradients itself gets the raw ones and the scale; any other gets scaled copies,
 * as `clipByGlobalNorm` makes them, disposed after the update.
 */
function applyClipped<State extends TensorTree>(
  input: TrainingStepInput<State>,
  gradients: Gradients,
  scale: number,
  key: RngKey,
): OptimizerState {
  const { optimizer, task, optimizerState, learningRate } = input;
  if (scale === 1)
    return optimizer.apply(task.variables, gradients, optimizerState, learningRate, key);
  if (optimizer.acceptsGradientScale === true) {
    return optimizer.apply(task.variables, gradients, optimizerState, learningRate, key, scale);
  }
  const scaled = mapTree(gradients, (gradient) => tf.mul(gradient, scale)) as Gradients;
  try {
    return optimizer.apply(task.variables, scaled, optimizerState, learningRate, key);
  } finally {
    disposeTree(scaled);
  }
}

/**
 * One truncated-BPTT step: loss and gradients of the window, global-norm clipping
 * (Pascanu et al. 2013; per group with `clipGroups`), one read of `[loss, ...parts, ‖g_k‖…]`
 * (the step's only GPU sync, needed by the NaN guard), then, if all is finite, the optimiser
 * update. A non-finite step changes nothing: no update, no new state. The input state and
 * optimiser state are kept.
 */
export async function runTrainingStep<State extends TensorTree>(
  input: TrainingStepInput<State>,
): Promise<TrainingStepResult<State>> {
  const computed = windowGradients(input);
  let optimizerState: OptimizerState | undefined;
  const groups = gradientsByGroup(computed.gradients, input.clipGroups);
  const groupNorms = [...groups.values()].map((group) => globalGradientNorm(group));
  let made: readonly tf.Tensor[] = [];
  try {
    const readout = tf.tidy(() =>
      tf.concat([computed.summary, ...groupNorms.map((norm) => tf.reshape(norm, [1]))]),
    );
    const values = await readout.data();
    readout.dispose();
    const loss = values[0] ?? Number.NaN;
    const parts: { [name: string]: number } = {};
    computed.partNames.forEach((name, index) => {
      parts[name] = values[index + 1] ?? Number.NaN;
    });
    const norms = Array.from(values.subarray(1 + computed.partNames.length));
    const gradientNorm = norms.length === 1 ? (norms[0] as number) : Math.hypot(...norms);
    // Loss parts count too: a NaN part means the model broke even if the total looks finite.
    const finite = Array.from(values).every(Number.isFinite);
    if (finite) {
      const clipped = clipByGroup(groups, norms, input.clipNorm, input.groupClipNorms);
      made = clipped.made;
      const key = foldIn(input.context.key, 'update');
      optimizerState = applyClipped(input, clipped.gradients, clipped.scale, key);
    }
    const state = finite ? computed.state : undefined;
    const names = [...groups.keys()];
    const byGroup =
      names.length > 1
        ? { gradientNorms: Object.fromEntries(names.map((name, i) => [name, norms[i] as number])) }
        : {};
    const { tokens } = computed;
    return { finite, loss, gradientNorm, ...byGroup, parts, tokens, state, optimizerState };
  } finally {
    computed.summary.dispose();
    disposeTree([computed.gradients, groupNorms, [...made]]);
    // The new state survives only with a successful update (not on divergence or a throw).
    if (optimizerState === undefined) disposeTree(computed.state);
  }
}
