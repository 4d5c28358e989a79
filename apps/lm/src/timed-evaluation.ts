import type { TensorTree } from '@bayesrnn/spec';
import type { TrainTask } from '@bayesrnn/train';

/**
 * Wraps a task to measure training throughput: it counts the windows trained in this process
 * and the time spent in `evaluate`, which is taken out of the training time.
 */
export function timedEvaluation<S extends TensorTree>(
  task: TrainTask<S>,
): TrainTask<S> & { evaluationSeconds(): number; stepsRun(): number } {
  let seconds = 0;
  let steps = 0;
  const evaluate = task.evaluate;
  return {
    ...task,
    windowLoss: (window, state, context) => {
      steps += 1;
      return task.windowLoss(window, state, context);
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
  };
}
