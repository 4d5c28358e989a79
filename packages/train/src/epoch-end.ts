import { disposeTree, foldIn } from '@bayesrnn/core';
import type { RngKey, TensorTree } from '@bayesrnn/spec';
import { saveBestModel } from './best-model.js';
import { updateEarlyStopping } from './early-stopping.js';
import { EMPTY_EPOCH_TOTALS, summarizeTotals } from './epoch-totals.js';
import { appendLog, reportProgress } from './session-output.js';
import type { FinishReason } from './train-metadata.js';
import { saveSessionCheckpoint, type TrainSession } from './train-session.js';
import type { EvaluationResult } from './train-task.js';

/** The key of an evaluation: `foldIn(foldIn(foldIn(runKey, purpose), epoch), split)`. */
export function evaluationKey(
  runKey: RngKey,
  purpose: string,
  epoch: number,
  split: string,
): RngKey {
  return foldIn(foldIn(foldIn(runKey, purpose), epoch), split);
}

interface Validation {
  readonly result: EvaluationResult;
  readonly improved: boolean;
  readonly stop: boolean;
}

/**
 * Evaluates the monitored split, updates the early-stopping counters and, on a new best,
 * saves `outDir/best`. `undefined` for a task without `evaluate`.
 */
async function validate<State extends TensorTree>(
  session: TrainSession<State>,
): Promise<Validation | undefined> {
  const { task, options, position } = session;
  if (task.evaluate === undefined) return undefined;
  const { monitor } = options;
  const key = evaluationKey(options.key, 'validate', position.epoch, monitor.split);
  const result = await task.evaluate(monitor.split, key);
  const value = result[monitor.metric];
  if (value === undefined) {
    throw new Error(
      `train: evaluate('${monitor.split}') returned no "${monitor.metric}" ` +
        `(it returned ${Object.keys(result).join(', ') || 'nothing'}); set monitor.metric`,
    );
  }
  const update = updateEarlyStopping(session.earlyStopping, value, position, monitor);
  session.earlyStopping = update.state;
  if (update.improved) {
    const { epoch, step } = position;
    const info = { epoch, step, metric: monitor.metric, value, evaluation: result };
    await saveBestModel(session.paths.best, task.variables, info);
  }
  return { result, improved: update.improved, stop: update.stop };
}

/**
 * Closes an epoch: validation (best model, early stopping), the epoch's log line and
 * progress report, then the move to the next epoch (fresh initial state, empty totals) and a
 * checkpoint there. Returns why the run is finished, or `null` to go on.
 */
export async function endEpoch<State extends TensorTree>(
  session: TrainSession<State>,
): Promise<FinishReason | null> {
  const { task, options } = session;
  const { epoch, step } = session.position;
  const validation = await validate(session);
  const train = summarizeTotals(session.totals, task.perplexity !== false);
  const learningRate = options.schedule({ epoch, step });
  const { best, bestEpoch, badEpochs } = session.earlyStopping;
  await appendLog(session, {
    type: 'epoch',
    epoch,
    step,
    learningRate,
    train,
    ...(validation === undefined
      ? {}
      : {
          validation: validation.result,
          validationSplit: options.monitor.split,
          improved: validation.improved,
        }),
    best,
    bestEpoch,
    badEpochs,
  });
  const shown = validation === undefined ? {} : { validation: validation.result };
  reportProgress(session, 'epoch-end', learningRate, shown);
  disposeTree(session.state);
  session.state = task.initialState();
  session.totals = EMPTY_EPOCH_TOTALS;
  session.position = { epoch: epoch + 1, window: 0, step };
  if (validation?.stop === true) session.finished = 'early-stopped';
  else if (epoch + 1 >= options.epochs) session.finished = 'completed';
  await saveSessionCheckpoint(session);
  return session.finished;
}
