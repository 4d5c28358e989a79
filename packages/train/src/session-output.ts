import type { TensorTree } from '@bayesrnn/spec';
import { summarizeTotals } from './epoch-totals.js';
import type { LogRecord } from './jsonl-log.js';
import type { TrainProgress } from './progress-reporter.js';
import { type TrainSession, wallSeconds } from './train-session.js';

/** Appends a record (stamped with the run's wall time) to `log.jsonl` and passes it to `onLog`. */
export async function appendLog(
  session: TrainSession<TensorTree>,
  record: LogRecord,
): Promise<void> {
  const stamped = { ...record, wallTime: Number(wallSeconds(session).toFixed(3)) };
  await session.log.append(stamped);
  session.options.onLog?.(stamped);
}

/** Seconds left at this process's pace so far; `undefined` before its first step. */
function etaSeconds(session: TrainSession<TensorTree>, totalSteps: number): number | undefined {
  const stepsHere = session.position.step - session.stepAtStart;
  if (stepsHere <= 0) return undefined;
  const seconds = (performance.now() - session.startedAt) / 1000;
  return ((totalSteps - session.position.step) * seconds) / stepsHere;
}

/**
 * Sends a progress snapshot to the reporter: during training at most once per
 * `progressIntervalMs`, always at epoch ends and at the end. Costs no tensor reads: every
 * number comes from the epoch totals already read.
 */
export function reportProgress(
  session: TrainSession<TensorTree>,
  phase: TrainProgress['phase'],
  learningRate: number,
  extra: Pick<TrainProgress, 'validation' | 'best' | 'evaluations'> = {},
): void {
  const { options, task, meters } = session;
  const reporter = options.onProgress;
  if (reporter === undefined) return;
  if (phase === 'train' && meters.progress.elapsedMs() < options.progressIntervalMs) return;
  const summary = summarizeTotals(session.totals, task.perplexity !== false);
  const totalSteps = options.epochs * task.windowsPerEpoch;
  reporter({
    phase,
    epoch: Math.min(session.position.epoch, options.epochs - 1),
    epochs: options.epochs,
    step: session.position.step,
    totalSteps,
    loss: phase === 'done' ? undefined : summary.loss,
    perplexity: summary.perplexity,
    learningRate,
    tokensPerSecond: meters.progress.take(),
    ...(task.unit === undefined ? {} : { unit: task.unit }),
    etaSeconds: etaSeconds(session, totalSteps),
    ...extra,
  });
}
