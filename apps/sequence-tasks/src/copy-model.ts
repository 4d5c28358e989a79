import { createLstmCell } from '@bayesrnn/cells';
import { createKey, mapTree, stopGradient } from '@bayesrnn/core';
import { sab } from '@bayesrnn/sab';
import type { Cell, NamedTensorTree, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** How credit is assigned through time (papers.md §5.6's arms). */
export const COPY_METHODS = ['bptt', 'tbptt', 'sab'] as const;
export type CopyMethod = (typeof COPY_METHODS)[number];

export interface CopyModelConfig {
  readonly method: CopyMethod;
  readonly vocabularySize: number;
  readonly hiddenSize: number;
  /** k_trunc of tBPTT and SAB. */
  readonly truncation: number;
  /** SAB's k_top and k_att. */
  readonly topK: number;
  readonly attendEvery: number;
  /** SAB's scores: the paper's MLP over [ĥ; m_i], or the official code's linear read-out. */
  readonly scoring: 'mlp' | 'linear';
}

type AnyCell = Cell<string, NamedTensorTree, unknown>;

/** An LSTM (one-hot inputs), wrapped in SAB for `sab`, and a softmax read-out of its output. */
export interface CopyModel {
  readonly config: CopyModelConfig;
  readonly weightSpecs: WeightSpecs;
  /** Logits of every step, `[batchSize · steps, vocabularySize]` (row b · steps + t). */
  logits(weights: Weights, inputs: tf.Tensor2D): tf.Tensor2D;
}

function cellWeights(cell: AnyCell, weights: Weights): Weights {
  return Object.fromEntries(
    Object.keys(cell.weightSpecs).map((name) => [name, weights[`rnn/${name}`] as tf.Tensor]),
  );
}

/**
 * The copying model: full BPTT runs the LSTM as is; tBPTT stops the state's gradient before
 * steps k − 1, 2k − 1, … (k = `truncation`, the grid of the SAB code); SAB wraps the
 * LSTM in `sab(cell, {topK, attendEvery, truncation})`, which truncates the same way but lets
 * credit reach the attended memories.
 */
export function createCopyModel(config: CopyModelConfig): CopyModel {
  const lstm = createLstmCell({ inputSize: config.vocabularySize, hiddenSize: config.hiddenSize });
  const cell: AnyCell =
    config.method === 'sab'
      ? (sab(lstm, config) as unknown as AnyCell)
      : (lstm as unknown as AnyCell);
  const specs: Record<string, WeightSpecs[string]> = {};
  for (const [name, spec] of Object.entries(cell.weightSpecs)) specs[`rnn/${name}`] = spec;
  const readOut = lstm.weightSpecs.kernel;
  specs['output/kernel'] = { shape: [cell.outputSize, config.vocabularySize], init: readOut.init };
  specs['output/bias'] = { shape: [config.vocabularySize], init: lstm.weightSpecs.bias.init };
  const truncateState = config.method === 'tbptt';
  return {
    config,
    weightSpecs: specs,
    logits(weights, inputs) {
      const [batchSize, steps] = inputs.shape;
      return tf.tidy(() => {
        const oneHot = tf.oneHot(inputs, config.vocabularySize);
        // No dropout: the window holds no masks, so its key is never used.
        const window = cell.startWindow({ key: createKey(0), batchSize, training: true });
        const selected = cellWeights(cell, weights);
        let state = cell.initialState(batchSize);
        const outputs: tf.Tensor2D[] = [];
        for (let t = 0; t < steps; t += 1) {
          if (truncateState && (t + 1) % config.truncation === 0) {
            state = mapTree(state, (tensor) => stopGradient(tensor)) as unknown as NamedTensorTree;
          }
          const x = tf.squeeze(tf.slice(oneHot, [0, t, 0], [batchSize, 1, -1]), [1]) as tf.Tensor2D;
          const result = cell.step(selected, x, state, window);
          outputs.push(result.output);
          state = result.state;
        }
        const stacked = tf.reshape(tf.stack(outputs, 1), [batchSize * steps, cell.outputSize]);
        const kernel = weights['output/kernel'] as tf.Tensor2D;
        return tf.add(
          tf.matMul(stacked as tf.Tensor2D, kernel),
          weights['output/bias'] as tf.Tensor,
        ) as tf.Tensor2D;
      });
    },
  };
}
