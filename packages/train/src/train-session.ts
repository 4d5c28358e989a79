import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, disposeTree, readCheckpointManifest } from '@bayesrnn/core';
import type { TensorTree } from '@bayesrnn/spec';
import { type EarlyStoppingState, INITIAL_EARLY_STOPPING_STATE } from './early-stopping.js';
import { EMPTY_EPOCH_TOTALS, type EpochTotals } from './epoch-totals.js';
import { type JsonlLog, openJsonlLog } from './jsonl-log.js';
import type { OptimizerState } from './optimizer.js';
import { createSampleBank, type SampleBank } from './sample-bank.js';
import { createThroughputMeter, type ThroughputMeter } from './throughput-meter.js';
import { loadTrainCheckpoint, saveTrainCheckpoint } from './train-checkpoint.js';
import type { ResolvedTrainOptions } from './train-config.js';
import {
  type FinishReason,
  TRAIN_CHECKPOINT_FORMAT,
  TRAIN_CHECKPOINT_VERSION,
  type TrainCheckpointMetadata,
} from './train-metadata.js';
import type { TrainTask } from './train-task.js';

/** The files of a run directory. */
export interface TrainPaths {
  readonly checkpoint: string;
  readonly best: string;
  readonly log: string;
  readonly samples: string;
}

/** `outDir/checkpoint`, `outDir/best`, `outDir/log.jsonl`, `outDir/samples`. */
export function trainPaths(outDir: string): TrainPaths {
  return {
    checkpoint: join(outDir, 'checkpoint'),
    best: join(outDir, 'best'),
    log: join(outDir, 'log.jsonl'),
    samples: join(outDir, 'samples'),
  };
}

/** Where the run is: the next step is window `window` of epoch `epoch`; `step` are done. */
export interface RunPosition {
  readonly epoch: number;
  readonly window: number;
  readonly step: number;
}

/**
 * One process's view of a run: the fixed parts, and the mutable run state that a checkpoint
 * captures (position, carried state, optimiser state, counters) plus timing that it does not.
 */
export interface TrainSession<State extends TensorTree> {
  readonly task: TrainTask<State>;
  readonly options: ResolvedTrainOptions;
  readonly paths: TrainPaths;
  readonly log: JsonlLog;
  /** `performance.now()` when this process started the run. */
  readonly startedAt: number;
  /** Training wall time of earlier processes (seconds). */
  readonly elapsedBefore: number;
  /** Steps done when this process started (for its own pace and ETA). */
  readonly stepAtStart: number;
  /** Throughput since the last log line and since the last progress report. */
  readonly meters: { readonly log: ThroughputMeter; readonly progress: ThroughputMeter };
  position: RunPosition;
  state: State;
  optimizerState: OptimizerState;
  earlyStopping: EarlyStoppingState;
  totals: EpochTotals;
  finished: FinishReason | null;
  lastFiniteLoss: number | undefined;
  /** Step count of the checkpoint on disk; `undefined` while there is none. */
  savedStep: number | undefined;
  /** The SG-MCMC samples, when the run keeps them. */
  bank: SampleBank | undefined;
}

/** Seconds of training wall time so far, over all processes of the run. */
export function wallSeconds(session: TrainSession<TensorTree>): number {
  return session.elapsedBefore + (performance.now() - session.startedAt) / 1000;
}

async function checkpointExists(dir: string): Promise<boolean> {
  try {
    await readCheckpointManifest(dir);
    return true;
  } catch (error) {
    if (error instanceof CheckpointError && error.code === 'missing') return false;
    throw error;
  }
}

/** A session at step 0: fresh state and optimiser state, an empty log. */
async function freshSession<State extends TensorTree>(
  task: TrainTask<State>,
  options: ResolvedTrainOptions,
  paths: TrainPaths,
): Promise<TrainSession<State>> {
  const log = await openJsonlLog(paths.log);
  return {
    task,
    options,
    paths,
    log,
    startedAt: performance.now(),
    elapsedBefore: 0,
    stepAtStart: 0,
    meters: { log: createThroughputMeter(), progress: createThroughputMeter() },
    position: { epoch: 0, window: 0, step: 0 },
    state: task.initialState(),
    optimizerState: options.optimizer.init(task.variables),
    earlyStopping: INITIAL_EARLY_STOPPING_STATE,
    totals: EMPTY_EPOCH_TOTALS,
    finished: null,
    lastFiniteLoss: undefined,
    savedStep: undefined,
    bank: undefined,
  };
}

/** A session continuing `outDir/checkpoint`, with the log cut back to that checkpoint. */
async function resumedSession<State extends TensorTree>(
  task: TrainTask<State>,
  options: ResolvedTrainOptions,
  paths: TrainPaths,
): Promise<TrainSession<State>> {
  const restored = await loadTrainCheckpoint(paths.checkpoint, task, options.optimizer);
  const { metadata } = restored;
  const [word0, word1] = options.key.words;
  let log: JsonlLog;
  try {
    if (metadata.key[0] !== word0 || metadata.key[1] !== word1) {
      throw new Error(
        `train: ${paths.checkpoint} belongs to a run with another key (${metadata.key.join(', ')}); ` +
          `this run's key is (${word0}, ${word1})`,
      );
    }
    log = await openJsonlLog(paths.log, { truncateTo: metadata.logPosition });
  } catch (error) {
    disposeTree([restored.optimizerState, restored.state]);
    throw error;
  }
  const { epoch, window, step } = metadata;
  // A completed run asked for more epochs trains on; an early-stopped one stays stopped.
  const trainMore = metadata.finished === 'completed' && epoch < options.epochs;
  return {
    task,
    options,
    paths,
    log,
    startedAt: performance.now(),
    elapsedBefore: metadata.elapsedSeconds,
    stepAtStart: step,
    meters: { log: createThroughputMeter(), progress: createThroughputMeter() },
    position: { epoch, window, step },
    state: restored.state,
    optimizerState: restored.optimizerState,
    earlyStopping: metadata.earlyStopping,
    totals: metadata.totals,
    finished: trainMore ? null : metadata.finished,
    lastFiniteLoss: metadata.lastFiniteLoss ?? undefined,
    savedStep: step,
    bank: undefined,
  };
}

/**
 * Starts a fresh run or resumes `outDir/checkpoint`, per `options.resume`: `true` requires a
 * checkpoint, `false` refuses to overwrite one, `'auto'` takes whichever applies.
 */
export async function startSession<State extends TensorTree>(
  task: TrainTask<State>,
  options: ResolvedTrainOptions,
): Promise<TrainSession<State>> {
  const paths = trainPaths(options.outDir);
  await mkdir(options.outDir, { recursive: true });
  const exists = await checkpointExists(paths.checkpoint);
  if (options.resume === true && !exists) {
    throw new Error(`train: resume requested, but ${paths.checkpoint} holds no checkpoint`);
  }
  if (options.resume === false && exists) {
    throw new Error(
      `train: ${paths.checkpoint} already holds a checkpoint; pass resume: true (or 'auto') ` +
        'to continue it, or choose another outDir',
    );
  }
  const session = exists
    ? await resumedSession(task, options, paths)
    : await freshSession(task, options, paths);
  if (options.sampleBank !== undefined) {
    // Samples after the checkpoint (or all, for a fresh run) are dropped and taken again.
    session.bank = createSampleBank(paths.samples, options.sampleBank);
    await session.bank.restore(session.position.step);
  }
  return session;
}

/** The checkpoint metadata for the session's current position. */
function metadataOf(session: TrainSession<TensorTree>): TrainCheckpointMetadata {
  const { options, position, task } = session;
  return {
    format: TRAIN_CHECKPOINT_FORMAT,
    formatVersion: TRAIN_CHECKPOINT_VERSION,
    optimizer: options.optimizer.name,
    windowsPerEpoch: task.windowsPerEpoch,
    key: options.key.words,
    epoch: position.epoch,
    window: position.window,
    step: position.step,
    finished: session.finished,
    earlyStopping: session.earlyStopping,
    totals: session.totals,
    logPosition: session.log.position,
    elapsedSeconds: wallSeconds(session),
    lastFiniteLoss: session.lastFiniteLoss ?? null,
  };
}

/**
 * Saves the run as it stands to `outDir/checkpoint` (atomically replacing the previous one).
 * The log is synced first, so every line the checkpoint counts is on disk before it is.
 */
export async function saveSessionCheckpoint<State extends TensorTree>(
  session: TrainSession<State>,
): Promise<void> {
  await session.log.sync();
  const { task, state, optimizerState } = session;
  await saveTrainCheckpoint(
    session.paths.checkpoint,
    { variables: task.variables, optimizerState, state },
    metadataOf(session),
  );
  session.savedStep = session.position.step;
  await session.bank?.prune();
}

/** Closes the log and disposes the session's tensors (not the task's variables). */
export async function closeSession<State extends TensorTree>(
  session: TrainSession<State>,
): Promise<void> {
  disposeTree([session.state, session.optimizerState]);
  session.bank?.dispose();
  await session.log.close();
}
