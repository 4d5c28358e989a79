import { tokenNll } from '@bayesrnn/metrics';
import type { RngKey, Weights } from '@bayesrnn/spec';
import type {
  EvaluationResult,
  TrainTask,
  TrainVariables,
  WindowContext,
  WindowLoss,
} from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateLanguageModel } from './evaluate-language-model.js';
import type { LanguageModel, LmState } from './language-model.js';
import { disposeLmWindow } from './lm-window.js';
import type { EvaluationWindowSource } from './window-source.js';

/** Training windows (as `@bayesrnn/data`'s `createTbpttBatches` makes them). */
export interface TrainingWindowSource {
  readonly batchSize: number;
  readonly steps: number;
  readonly windowsPerEpoch: number;
  window(index: number): { readonly inputs: Int32Array; readonly targets: Int32Array };
}

/** What `createLanguageModelTask` wires together. */
export interface LanguageModelTaskOptions {
  readonly model: LanguageModel;
  /** The trained weights, by the model's weight names (point weights). */
  readonly variables: TrainVariables;
  readonly train: TrainingWindowSource;
  /** Evaluation splits by name (`valid`, `test`), scored with the masks off. */
  readonly evaluation?: Readonly<Record<string, EvaluationWindowSource>>;
}

/**
 * A `TrainTask` for a language model on point weights: window `w`'s loss is its NLL summed over
 * time steps and averaged over the batch (Zaremba et al. 2014: `steps ×` the mean NLL per token,
 * the scale their learning rate 1 and clipping norm 5 were tuned for), the model state carried
 * from window `w − 1`; the `nll` part is the per-token mean that perplexity comes from. Dropout masks come from
 * the window's key, so training is a pure function of the run key (exact resume).
 */
export function createLanguageModelTask(options: LanguageModelTaskOptions): TrainTask<LmState> {
  const { model, variables, train: windows } = options;
  for (const name of Object.keys(model.weightSpecs)) {
    if (variables[name] === undefined)
      throw new Error(`createLanguageModelTask: no variable for weight '${name}'`);
  }
  const weights = variables as Weights;
  return {
    variables,
    windowsPerEpoch: windows.windowsPerEpoch,
    initialState: () => model.initialState(windows.batchSize),
    windowLoss: (index: number, state: LmState, context: WindowContext): WindowLoss<LmState> => {
      const { inputs, targets } = windows.window(index);
      const { batchSize, steps } = windows;
      const window = model.startWindow({ key: context.key, batchSize, steps, training: true });
      const forward = model.forward(
        weights,
        tf.tensor2d(inputs, [batchSize, steps], 'int32'),
        state,
        window,
      );
      disposeLmWindow(window);
      const targetIds = tf.tensor1d(targets, 'int32');
      const nll = tf.mean(
        tokenNll(forward.logits, targetIds, { checkTargets: false }),
      ) as tf.Scalar;
      // Zaremba's loss: summed over the window's steps, averaged over the batch (= steps × the
      // per-token mean). The published learning rates and clipping norms assume this scale.
      const loss = tf.mul(nll, steps) as tf.Scalar;
      return { loss, state: forward.state, tokens: batchSize * steps, parts: { nll } };
    },
    evaluate: async (split: string, key: RngKey): Promise<EvaluationResult> => {
      const source = options.evaluation?.[split];
      if (source === undefined)
        throw new Error(`language model task: no evaluation split '${split}'`);
      const { nll, perplexity, tokens } = await evaluateLanguageModel(model, weights, source, {
        key,
      });
      return { nll, perplexity, tokens };
    },
  };
}
