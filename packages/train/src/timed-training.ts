import type { TensorTree } from '@bayesrnn/spec';
import { timedTask } from './timed-task.js';
import { train } from './train.js';
import type { TrainOptions, TrainResult } from './train-config.js';
import type { TrainTask } from './train-task.js';

/** A run's result with the throughput measured in this process. */
export interface TimedTraining {
  readonly result: TrainResult;
  /** Wall seconds of training in this process, evaluation left out. */
  readonly trainingSeconds: number;
  /** `WindowLoss.tokens` trained per second (tokens, sentences, captions: the task's unit). */
  readonly unitsPerSecond: number;
}

/**
 * `train(task, options)`, timed: the windows trained in this process and their units over the
 * wall time less the evaluations (`timedTask`), an honest throughput for a results file. A
 * resumed run's earlier steps took no time here and are not counted.
 */
export async function trainTimed<State extends TensorTree>(
  task: TrainTask<State>,
  options: TrainOptions,
): Promise<TimedTraining> {
  const timed = timedTask(task);
  const started = performance.now();
  const result = await train(timed, options);
  const trainingSeconds = (performance.now() - started) / 1000 - timed.evaluationSeconds();
  return {
    result,
    trainingSeconds,
    unitsPerSecond: timed.tokensRun() / Math.max(trainingSeconds, 1e-9),
  };
}
