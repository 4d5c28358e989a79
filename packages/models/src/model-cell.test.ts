// Models take your own cell through a `CellFactory`: a cell written outside bayesrnn, with no
// whole-window fast path, runs in the language model, the classifier and the caption decoder
// and gives the built-in cell's results on the same weights.
import { createLstmCell } from '@bayesrnn/cells';
import { createKey, disposeTree, initWeights, uniform } from '@bayesrnn/core';
import type { Cell, Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest, expectClose } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BOS, captionBatch, EOS, oneHotFeatures } from './caption/__fixtures__/caption-problem.js';
import { DEFAULT_CAPTION_DECODER_CONFIG } from './caption/caption-config.js';
import { createCaptionDecoder } from './caption/caption-decoder.js';
import { generateCaptions } from './caption/generate-captions.js';
import { makeBatch } from './classifier/__fixtures__/classification-batches.js';
import { DEFAULT_SENTENCE_CLASSIFIER_CONFIG } from './classifier/classifier-config.js';
import { createSentenceClassifier } from './classifier/sentence-classifier.js';
import { createLanguageModel } from './language-model.js';
import { DEFAULT_LANGUAGE_MODEL_CONFIG, validateLanguageModelConfig } from './lm-config.js';
import { disposeLmWindow } from './lm-window.js';
import type { CellFactory, CellFactoryOptions } from './model-cell.js';

checkLeaksAfterEachTest();

/**
 * A cell as a user writes it: its own object, only `step` (no `runWindow`), delegating the
 * arithmetic to an LSTM so that its results are known. Records what each call was told.
 */
function stepOnlyLstm(calls: CellFactoryOptions[] = []): CellFactory {
  return (options) => {
    calls.push(options);
    const lstm = createLstmCell({
      inputSize: options.inputSize,
      hiddenSize: options.hiddenSize,
      init: uniform(options.initScale),
    });
    const cell: Cell<'kernel' | 'bias', ReturnType<typeof lstm.initialState>, undefined> = {
      inputSize: lstm.inputSize,
      outputSize: lstm.outputSize,
      weightSpecs: lstm.weightSpecs,
      initialState: (batchSize) => lstm.initialState(batchSize),
      startWindow: () => undefined,
      step: (weights, input, state) =>
        lstm.step(weights, input, state, lstm.startWindow(windowOff(input.shape[0]))),
    };
    return cell;
  };
}

function windowOff(batchSize: number) {
  return { key: createKey(0), batchSize, training: false };
}

/** Values of `make(weights)`, disposed. */
function valuesOf(make: () => tf.Tensor): Float32Array {
  const tensor = make();
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

describe('a CellFactory in the models', () => {
  const lmConfig = {
    ...DEFAULT_LANGUAGE_MODEL_CONFIG,
    vocabSize: 9,
    embeddingSize: 5,
    hiddenSize: 4,
    layers: 2,
    initScale: 0.5,
  };

  it('language model: called once per layer with its sizes; the same logits as the built-in LSTM', () => {
    const calls: CellFactoryOptions[] = [];
    const own = createLanguageModel({ ...lmConfig, cell: stepOnlyLstm(calls) });
    const builtIn = createLanguageModel(lmConfig);
    expect(calls.map(({ inputSize, hiddenSize }) => [inputSize, hiddenSize])).toEqual([
      [5, 4],
      [4, 4],
    ]);
    expect(own.cells[0]?.runWindow).toBeUndefined();
    expect(Object.keys(own.weightSpecs).sort()).toEqual(Object.keys(builtIn.weightSpecs).sort());
    const weights: Weights = initWeights(builtIn.weightSpecs, createKey(3));
    const logitsOf = (model: typeof own) =>
      valuesOf(() =>
        tf.tidy(() => {
          const window = model.startWindow({ ...windowOff(2), steps: 3 });
          const inputs = tf.tensor2d([1, 4, 7, 2, 2, 8], [2, 3], 'int32');
          const { logits } = model.forward(weights, inputs, model.initialState(2), window);
          disposeLmWindow(window);
          return logits;
        }),
      );
    expectClose(logitsOf(own), logitsOf(builtIn), { atol: 1e-6, rtol: 1e-5 });
    disposeTree(Object.values(weights));
  });

  it('classifier and caption decoder: the same scores as the built-in LSTM', () => {
    const classifierConfig = {
      ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
      vocabSize: 9,
      embeddingSize: 3,
      hiddenSize: 4,
      classes: 3,
    };
    const captionConfig = {
      ...DEFAULT_CAPTION_DECODER_CONFIG,
      vocabSize: 10,
      embeddingSize: 3,
      hiddenSize: 4,
      featureSize: 4,
      forgetBias: 0,
    };
    const cases = [
      {
        own: createSentenceClassifier({ ...classifierConfig, cell: stepOnlyLstm() }),
        builtIn: createSentenceClassifier(classifierConfig),
        batch: makeBatch([[1, 5, 2], [4], [7, 1]], [2, 0, 1]),
      },
      {
        own: createCaptionDecoder({ ...captionConfig, cell: stepOnlyLstm() }),
        builtIn: createCaptionDecoder(captionConfig),
        batch: captionBatch([0, 1, 2]),
      },
    ] as const;
    for (const { own, builtIn, batch } of cases) {
      const weights: Weights = initWeights(builtIn.weightSpecs, createKey(5));
      const scores = (model: typeof own | typeof builtIn) =>
        valuesOf(() =>
          (model.logits as (w: Weights, b: typeof batch, o: object) => tf.Tensor)(weights, batch, {
            key: createKey(0),
            training: false,
          }),
        );
      expectClose(scores(own), scores(builtIn), { atol: 1e-6, rtol: 1e-5 });
      disposeTree(Object.values(weights));
    }
  });

  it('beam search carries a state leaf that has no row axis (a step count, as SAB keeps)', async () => {
    // The LSTM's state plus a scalar the rows share: beam search reorders rows, not scalars.
    const counting: CellFactory = (options) => {
      const lstm = createLstmCell({ inputSize: options.inputSize, hiddenSize: options.hiddenSize });
      type State = ReturnType<typeof lstm.initialState> & { readonly steps: tf.Scalar };
      const cell: Cell<'kernel' | 'bias', State, undefined> = {
        inputSize: lstm.inputSize,
        outputSize: lstm.outputSize,
        weightSpecs: lstm.weightSpecs,
        initialState: (batchSize) => ({ ...lstm.initialState(batchSize), steps: tf.scalar(0) }),
        startWindow: () => undefined,
        step: (weights, input, state) =>
          tf.tidy(() => {
            const off = lstm.startWindow(windowOff(input.shape[0]));
            const { output, state: next } = lstm.step(weights, input, state, off);
            return { output, state: { ...next, steps: tf.add(state.steps, 1) as tf.Scalar } };
          }),
      };
      return cell;
    };
    const config = { ...DEFAULT_CAPTION_DECODER_CONFIG, vocabSize: 10, embeddingSize: 3 };
    const small = { ...config, hiddenSize: 4, featureSize: 4, forgetBias: 0 };
    const builtIn = createCaptionDecoder(small);
    const own = createCaptionDecoder({ ...small, cell: counting });
    const weights: Weights = initWeights(builtIn.weightSpecs, createKey(8));
    const options = { beamSize: 2, maxLength: 4, bosId: BOS, eosId: EOS };
    const decode = (model: typeof own) =>
      generateCaptions(model, [weights], oneHotFeatures([0, 1, 2]), 3, options);
    const [mine, theirs] = [await decode(own), await decode(builtIn)];
    expect(mine.map((caption) => [...caption.tokens])).toEqual(
      theirs.map((caption) => [...caption.tokens]),
    );
    disposeTree(Object.values(weights));
  });

  it('sizes what follows a factory cell by its outputSize: the next layer and the softmax', () => {
    const wider: CellFactory = (options) =>
      createLstmCell({ inputSize: options.inputSize, hiddenSize: 2 * options.hiddenSize });
    const model = createLanguageModel({ ...lmConfig, cell: wider });
    expect(model.cells.map((cell) => [cell.inputSize, cell.outputSize])).toEqual([
      [5, 8],
      [8, 8],
    ]);
    expect(model.weightSpecs['softmax/kernel']?.shape).toEqual([8, 9]);
    const classifier = createSentenceClassifier({
      ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
      embeddingSize: 3,
      hiddenSize: 4,
      cell: wider,
    });
    expect(classifier.featureSize).toBe(2 * 8);
    const decoder = createCaptionDecoder({ ...DEFAULT_CAPTION_DECODER_CONFIG, cell: wider });
    expect(decoder.weightSpecs['output/kernel']?.shape).toEqual([2 * 512, 2_500]);
    const weights: Weights = initWeights(model.weightSpecs, createKey(3));
    const shape = tf.tidy(() => {
      const window = model.startWindow({
        key: createKey(1),
        batchSize: 2,
        steps: 3,
        training: true,
      });
      const inputs = tf.tensor2d([1, 4, 7, 2, 2, 8], [2, 3], 'int32');
      const { logits, state } = model.forward(weights, inputs, model.initialState(2), window);
      disposeLmWindow(window);
      disposeTree(state);
      return logits.shape;
    });
    expect(shape).toEqual([6, 9]);
    disposeTree(Object.values(weights));
  });

  it('names the option and the widths when a factory cell does not fit', () => {
    const misread: CellFactory = (options) =>
      createLstmCell({ inputSize: options.inputSize + 1, hiddenSize: options.hiddenSize });
    expect(() => createLanguageModel({ ...lmConfig, cell: misread })).toThrow(
      "LanguageModelConfig.cell (layer 0): the factory's cell reads 6 columns; the model feeds it 5 (inputSize)",
    );
    const wider: CellFactory = (options) =>
      createLstmCell({ inputSize: options.inputSize, hiddenSize: options.hiddenSize + 1 });
    const tied = { ...lmConfig, embeddingSize: 4, tiedEmbeddings: true, cell: wider };
    expect(() => createLanguageModel(tied)).toThrow(
      "LanguageModelConfig.tiedEmbeddings needs the top cell's output width (5) = embeddingSize (4)",
    );
    expect(() =>
      validateLanguageModelConfig({ ...lmConfig, cell: 'peephole' as unknown as 'lstm' }),
    ).toThrow(
      'LanguageModelConfig.cell must be lstm, gru, vanilla or a cell factory, got peephole',
    );
  });
});
