import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Contender, PreparedContender } from '../contender.js';
import { TRAINING_WINDOWS } from '../ours-lm-step.js';
import { readBack } from '../read-back.js';
import { type BenchShape, tokensPerStep } from '../shape.js';
import { syntheticTrainingWindows } from '../synthetic-tokens.js';

/**
 * tfjs-layers' own LSTM language model of the same shape, as a tfjs user would write it:
 * embedding → `layers` × LSTM (`returnSequences`) → dense softmax, sparse categorical
 * cross-entropy, Adam, `trainOnBatch`. Stateless (the state is not carried; the compute is
 * the same), no gradient clipping (tfjs' Adam has none).
 */
export const tfjsLayers: Contender = {
  name: 'tfjs-layers',
  description:
    'tfjs-layers: embedding → LSTM (returnSequences) × layers → dense softmax, Adam, trainOnBatch',
  inProcess: true,
  setup: async (shape) => prepare(shape),
};

function buildModel(shape: BenchShape): tfl.Sequential {
  // U[-0.1, 0.1] as ours and the PyTorch script. (The default orthogonal recurrent initialiser
  // needs tfjs-core's chained ops, which only the @tensorflow/tfjs bundle registers.)
  const init = () =>
    tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: shape.seed });
  const model = tfl.sequential();
  model.add(
    tfl.layers.embedding({
      inputDim: shape.vocabSize,
      outputDim: shape.embeddingSize,
      inputLength: shape.steps,
      embeddingsInitializer: init(),
    }),
  );
  for (let layer = 0; layer < shape.layers; layer += 1) {
    model.add(
      tfl.layers.lstm({
        units: shape.hiddenSize,
        returnSequences: true,
        kernelInitializer: init(),
        recurrentInitializer: init(),
      }),
    );
  }
  model.add(
    tfl.layers.dense({
      units: shape.vocabSize,
      activation: 'softmax',
      kernelInitializer: init(),
    }),
  );
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

function prepare(shape: BenchShape): PreparedContender {
  const model = buildModel(shape);
  const source = syntheticTrainingWindows(shape, TRAINING_WINDOWS);
  const { batchSize, steps } = shape;
  const batches = Array.from({ length: TRAINING_WINDOWS }, (_, index) => {
    const { inputs, targets } = source.window(index);
    return {
      x: tf.tensor2d(inputs, [batchSize, steps], 'float32'),
      y: tf.tensor3d(targets, [batchSize, steps, 1], 'float32'),
    };
  });
  const last = model.trainableWeights.at(-1);
  let step = 0;
  return {
    tokensPerStep: tokensPerStep(shape),
    step: async () => {
      const batch = batches[step % batches.length];
      step += 1;
      if (batch === undefined) return;
      await model.trainOnBatch(batch.x, batch.y);
      if (last !== undefined) await readBack(last.read());
    },
    dispose: () => {
      model.optimizer.dispose();
      model.dispose();
      tf.dispose(batches.flatMap(({ x, y }) => [x, y]));
    },
  };
}
