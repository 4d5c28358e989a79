import { disposeTree, foldIn } from '@bayesrnn/core';
import type { TensorTree } from '@bayesrnn/spec';
import { restoreBestModel } from './best-model.js';
import type { EarlyStoppingState } from './early-stopping.js';
import { endEpoch, evaluationKey } from './epoch-end.js';
import { addStep } from './epoch-totals.js';
import { createConsoleReporter } from './progress-reporter.js';
import { appendLog, reportProgress } from './session-output.js';
import {
  resolveTrainOptions,
  type StopReason,
  type TrainOptions,
  type TrainResult,
} from './train-config.js';
import {
  closeSession,
  saveSessionCheckpoint,
  startSession,
  type TrainSession,
} from './train-session.js';
import type { EvaluationResult, TrainTask } from './train-task.js';
import { TrainingDivergedError } from './training-diverged-error.js';
import { runTrainingStep, type TrainingStepResult } from './training-step.js';

/** Logs the failed step, then throws; the checkpoint on disk is left as it was. */
async function diverge<State extends TensorTree>(
  session: TrainSession<State>,
  result: TrainingStepResult<State>,
  learningRate: number,
): Promise<never> {
  const { epoch, window, step } = session.position;
  const { loss, gradientNorm, parts } = result;
  const record = { type: 'diverged', step: step + 1, epoch, window, loss, gradientNorm, parts };
  await appendLog(session, { ...record, learningRate });
  await session.log.sync();
  throw new TrainingDivergedError({
    step: step + 1,
    epoch,
    window,
    loss,
    gradientNorm,
    parts,
    lastFiniteLoss: session.lastFiniteLoss,
    checkpointPath: session.savedStep === undefined ? undefined : session.paths.checkpoint,
  });
}

/** Log line, progress report and periodic checkpoint after a successful step. */
async function afterStep<State extends TensorTree>(
  session: TrainSession<State>,
  result: TrainingStepResult<State>,
  learningRate: number,
): Promise<void> {
  const { options, meters, task } = session;
  const { epoch, window, step } = session.position;
  meters.log.add(result.tokens);
  meters.progress.add(result.tokens);
  if (step % options.logEvery === 0) {
    const { loss, parts, gradientNorm, gradientNorms, tokens } = result;
    await appendLog(session, {
      type: 'step',
      step,
      epoch,
      window: window - 1,
      loss,
      parts,
      gradientNorm,
      ...(gradientNorms === undefined ? {} : { gradientNorms }),
      learningRate,
      tokens,
      tokensPerSecond: meters.log.take(),
    });
  }
  reportProgress(session, 'train', learningRate);
  // The epoch's last step is checkpointed by endEpoch, after validation.
  if (step % options.checkpointEvery === 0 && window < task.windowsPerEpoch) {
    await saveSessionCheckpoint(session);
  }
}

/**
 * One step at the session's position: the window's key `foldIn(foldIn(runKey, epoch),
 * window)`, the scheduled learning rate, the step itself, the NaN guard, then the carried
 * state and optimiser state move on (the old ones are disposed).
 */
async function trainOneStep<State extends TensorTree>(session: TrainSession<State>): Promise<void> {
  const { task, options } = session;
  const { epoch, window, step } = session.position;
  const learningRate = options.schedule({ epoch, step: step + 1 });
  const result = await runTrainingStep({
    task,
    window,
    state: session.state,
    context: { key: foldIn(foldIn(options.key, epoch), window), epoch, step: step + 1 },
    optimizer: options.optimizer,
    optimizerState: session.optimizerState,
    learningRate,
    clipNorm: options.clipNorm,
    ...(options.clipGroups === undefined ? {} : { clipGroups: options.clipGroups }),
    ...(options.groupClipNorms === undefined ? {} : { groupClipNorms: options.groupClipNorms }),
  });
  if (!result.finite || result.state === undefined || result.optimizerState === undefined) {
    return diverge(session, result, learningRate);
  }
  disposeTree([session.state, session.optimizerState]);
  session.state = result.state;
  session.optimizerState = result.optimizerState;
  session.position = { epoch, window: window + 1, step: step + 1 };
  session.totals = addStep(session.totals, result);
  session.lastFiniteLoss = result.loss;
  if (session.bank?.selects(step + 1) === true)
    await session.bank.collect(step + 1, task.variables);
  await afterStep(session, result, learningRate);
}

/** Why the run should pause now (`stopAfterSteps` reached, or aborted), if it should. */
function pauseReason(session: TrainSession<TensorTree>): StopReason | null {
  const { options, position } = session;
  if (options.signal?.aborted === true) return 'aborted';
  return position.step >= options.stopAfterSteps ? 'stopped' : null;
}

/** Trains the rest of the current epoch and closes it; returns why the run ends, or `null`. */
async function runEpoch<State extends TensorTree>(
  session: TrainSession<State>,
): Promise<StopReason | null> {
  const { task, options } = session;
  if (session.position.epoch >= options.epochs) {
    // A resumed run asked for fewer epochs than its checkpoint already has.
    session.finished = 'completed';
    await saveSessionCheckpoint(session);
    return session.finished;
  }
  while (session.position.window < task.windowsPerEpoch) {
    const pause = pauseReason(session);
    if (pause !== null) {
      if (session.savedStep !== session.position.step) await saveSessionCheckpoint(session);
      return pause;
    }
    await trainOneStep(session);
  }
  return endEpoch(session);
}

/** The best validation result recorded by early stopping, if there is one. */
function bestOf(state: EarlyStoppingState, metric: string): TrainResult['best'] {
  const { best, bestEpoch, bestStep } = state;
  if (best === null || bestEpoch === null || bestStep === null) return undefined;
  return { epoch: bestEpoch, step: bestStep, metric, value: best };
}

/** The end of a run: restore the best model, evaluate the test splits, report. */
async function finishRun<State extends TensorTree>(
  session: TrainSession<State>,
  stopReason: StopReason,
): Promise<TrainResult> {
  const { task, options, paths } = session;
  const { epoch, step } = session.position;
  const finished = stopReason === 'completed' || stopReason === 'early-stopped';
  const best = bestOf(session.earlyStopping, options.monitor.metric);
  const restoredBest = finished && options.restoreBest && best !== undefined;
  if (restoredBest) await restoreBestModel(paths.best, task.variables);
  const evaluations: { [split: string]: EvaluationResult } = {};
  for (const split of finished && task.evaluate !== undefined ? options.testSplits : []) {
    const metrics = await task.evaluate?.(split, evaluationKey(options.key, 'test', epoch, split));
    if (metrics === undefined) continue;
    evaluations[split] = metrics;
    await appendLog(session, { type: 'test', split, restoredBest, metrics });
  }
  const learningRate = options.schedule({ epoch, step });
  reportProgress(session, 'done', learningRate, { evaluations, ...(best && { best }) });
  return {
    stopReason,
    steps: step,
    epochs: epoch,
    best,
    restoredBest,
    evaluations,
    checkpointPath: paths.checkpoint,
    bestPath: paths.best,
    logPath: paths.log,
    ...(session.bank === undefined
      ? {}
      : { samples: { dir: session.bank.dir, steps: session.bank.steps() } }),
  };
}

/**
 * Trains `task` with truncated BPTT: epoch after epoch, windows in order with the state
 * carried across them (gradient stopped at each boundary), gradients by `tf.variableGrads`,
 * global-norm clipping, one optimiser step per window; after each epoch `evaluate` on the
 * validation split, the best model to `outDir/best` and early stopping; checkpoints to
 * `outDir/checkpoint` every `checkpointEvery` steps and at each epoch end; a JSONL log in
 * `outDir/log.jsonl`; progress through `onProgress`.
 *
 * Deterministic: window keys are `foldIn(foldIn(key, epoch), window)`, so the run is a pure
 * function of (key, data, config); a run stopped or killed and resumed (`resume: true`, fresh
 * process and variables) ends bit-identical to one never interrupted, and its log is cut back
 * to the checkpoint so it reads the same too.
 *
 * Throws `TrainingDivergedError` at the first non-finite loss or gradient norm, before
 * applying it and without touching the last checkpoint.
 *
 * @example
 * const result = await train(task, {
 *   key: createKey(1), outDir: 'runs/ptb-medium', epochs: 39, optimizer: createSgd(),
 *   learningRate: zarembaSchedule(ZAREMBA_MEDIUM_SCHEDULE), clipNorm: 5, resume: 'auto',
 * });
 */
export async function train<State extends TensorTree>(
  task: TrainTask<State>,
  options: TrainOptions,
): Promise<TrainResult> {
  const resolved = resolveTrainOptions(task, options, () => createConsoleReporter());
  const session = await startSession(task, resolved);
  try {
    let reason: StopReason | null = session.finished;
    while (reason === null) reason = await runEpoch(session);
    return await finishRun(session, reason);
  } finally {
    await closeSession(session);
  }
}
