import type { TensorTree } from '@bayesrnn/spec';
import type { TrainTask } from './train-task.js';

/** A task that counts what it trained in this process and times its evaluations. */
export type TimedTask<S extends TensorTree> = TrainTask<S> & {
  /** Seconds spent in `evaluate` so far: taken out of the training time for throughput. */
  evaluationSeconds(): number;
  /** Windows (optimiser steps) whose loss was computed in this process. */
  stepsRun(): number;
  /** The `tokens` those windows reported (tokens for a language model, sentences for a classifier). */
  tokensRun(): number;
};

/**
 * Wraps a task to measure training throughput: it counts the windows trained in this process
 * and their tokens, and the time spent in `evaluate`, which is taken out of the training time.
 * A resumed run's earlier steps took no time here and are not counted.
 */
export function timedTask<S extends TensorTree>(task: TrainTask<S>): TimedTask<S> {
  let seconds = 0;
  let steps = 0;
  let tokens = 0;
  const evaluate = task.evaluate;
  return {
    ...task,
    windowLoss: (window, state, context) => {
      const result = task.windowLoss(window, state, context);
      steps += 1;
      tokens += result.tokens;
      return result;
    },
    ...(evaluate === undefined
      ? {}
      : {
          evaluate: async (split, key) => {
            const started = performance.now();
            try {
              return await evaluate(split, key);
            } finally {
              seconds += (performance.now() - started) / 1000;
            }
          },
        }),
    evaluationSeconds: () => seconds,
    stepsRun: () => steps,
    tokensRun: () => tokens,
  };
}
