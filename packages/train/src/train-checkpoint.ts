import {
  disposeTree,
  type ExpectedTensor,
  flattenTree,
  type JsonValue,
  loadCheckpoint,
  mapTree,
  saveCheckpoint,
} from '@bayesrnn/core';
import type { TensorTree } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import type { EarlyStoppingState } from './early-stopping.js';
import type { EpochTotals } from './epoch-totals.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { parseTrainMetadata, type TrainCheckpointMetadata } from './train-metadata.js';
import type { TrainTask, TrainVariables } from './train-task.js';

/** What a training checkpoint holds besides its metadata. */
export interface TrainingTensors<State extends TensorTree> {
  readonly variables: TrainVariables;
  readonly optimizerState: OptimizerState;
  /** The carried RNN state the next window starts from. */
  readonly state: State;
}

/** `mapTree` on an untyped tree (its mapped type is too deep to compute for `TensorTree`). */
const rebuild = mapTree as (
  tree: TensorTree,
  fn: (tensor: tf.Tensor, path: string) => tf.Tensor,
) => TensorTree;

/** A checkpoint tensor name: `variables/kernel`, `optimizer/firstMoment/kernel`, `state/h`. */
function entryName(prefix: string, path: string): string {
  return path === '' ? prefix : `${prefix}/${path}`;
}

/** Every tensor of a training checkpoint under its entry name. */
function namedTensors<State extends TensorTree>(
  tensors: TrainingTensors<State>,
): Record<string, tf.Tensor> {
  const named: Record<string, tf.Tensor> = {};
  for (const [name, variable] of Object.entries(tensors.variables)) {
    named[entryName('variables', name)] = variable;
  }
  for (const { path, tensor } of flattenTree(tensors.optimizerState)) {
    named[entryName('optimizer', path)] = tensor;
  }
  for (const { path, tensor } of flattenTree(tensors.state)) {
    named[entryName('state', path)] = tensor;
  }
  return named;
}

/** Early-stopping state as a JSON literal (an interface has no index signature). */
function earlyStoppingJson(state: EarlyStoppingState): JsonValue {
  const { best, bestEpoch, bestStep, badEpochs } = state;
  return { best, bestEpoch, bestStep, badEpochs };
}

/**
 * Atomically replaces the training checkpoint in `dir` (core's `saveCheckpoint`: temp files,
 * fsync, rename) with the variables, the optimiser state, the carried state and `metadata`
 * (position, key, early-stopping counters, epoch totals, log position).
 */
export async function saveTrainCheckpoint<State extends TensorTree>(
  dir: string,
  tensors: TrainingTensors<State>,
  metadata: TrainCheckpointMetadata,
): Promise<void> {
  const json: JsonValue = {
    ...metadata,
    earlyStopping: earlyStoppingJson(metadata.earlyStopping),
    totals: metadata.totals satisfies EpochTotals,
  };
  await saveCheckpoint(dir, namedTensors(tensors), json);
}

/** The optimiser state and carried state a resumed run continues from (caller owns them). */
export interface RestoredTraining<State extends TensorTree> {
  readonly metadata: TrainCheckpointMetadata;
  readonly optimizerState: OptimizerState;
  readonly state: State;
}

/** Expected name → shape and dtype, from fresh templates of the same structures. */
function expectations<State extends TensorTree>(
  tensors: TrainingTensors<State>,
): Record<string, ExpectedTensor> {
  const expected: Record<string, ExpectedTensor> = {};
  for (const [name, tensor] of Object.entries(namedTensors(tensors))) {
    expected[name] = { shape: tensor.shape, dtype: tensor.dtype };
  }
  return expected;
}

/** Throws unless the checkpoint was written for this model, optimiser and epoch length. */
function checkCompatible(
  dir: string,
  stored: readonly string[],
  expect: Readonly<Record<string, ExpectedTensor>>,
  metadata: TrainCheckpointMetadata,
  run: { readonly optimizer: string; readonly windowsPerEpoch: number },
): void {
  const extra = stored.filter((name) => !(name in expect));
  if (extra.length > 0) {
    throw new Error(
      `Checkpoint ${dir} holds tensors this task does not have (${extra.slice(0, 5).join(', ')}): ` +
        'it was written for another model',
    );
  }
  if (metadata.optimizer !== run.optimizer || metadata.windowsPerEpoch !== run.windowsPerEpoch) {
    throw new Error(
      `Checkpoint ${dir} was written with optimizer "${metadata.optimizer}" and ` +
        `${metadata.windowsPerEpoch} windows per epoch; this run has "${run.optimizer}" and ` +
        `${run.windowsPerEpoch}`,
    );
  }
}

/**
 * Loads the training checkpoint in `dir` into `task.variables` (with `assign`) and returns the
 * optimiser and carried states rebuilt in the structures `optimizer.init` and
 * `task.initialState` give. Refuses (naming the file and tensor) a checkpoint of another
 * model: a missing, extra or differently shaped tensor, another optimiser, another
 * `windowsPerEpoch`. Leaves no tensors behind on failure.
 */
export async function loadTrainCheckpoint<State extends TensorTree>(
  dir: string,
  task: TrainTask<State>,
  optimizer: Optimizer,
): Promise<RestoredTraining<State>> {
  const { variables, windowsPerEpoch } = task;
  const templates = {
    variables,
    optimizerState: optimizer.init(variables),
    state: task.initialState(),
  };
  try {
    const expect = expectations(templates);
    const loaded = await loadCheckpoint(dir, { expect });
    const { tensors } = loaded;
    try {
      const metadata = parseTrainMetadata(loaded.metadata, dir);
      checkCompatible(dir, Object.keys(tensors), expect, metadata, {
        optimizer: optimizer.name,
        windowsPerEpoch,
      });
      const take = (prefix: string) => (_: tf.Tensor, path: string) =>
        tensors[entryName(prefix, path)] as tf.Tensor;
      const optimizerState = rebuild(templates.optimizerState, take('optimizer')) as OptimizerState;
      const state = rebuild(templates.state, take('state')) as State;
      for (const [name, variable] of Object.entries(variables)) {
        const value = take('variables')(variable, name);
        variable.assign(value);
        // The variable holds its own reference now.
        value.dispose();
      }
      return { metadata, optimizerState, state };
    } catch (error) {
      disposeTree(Object.values(tensors));
      throw error;
    }
  } finally {
    disposeTree([templates.optimizerState, templates.state]);
  }
}
