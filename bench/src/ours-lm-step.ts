import { createKey, disposeTree, foldIn, splitKey } from '@bayesrnn/core';
import {
  createLanguageModel,
  createLanguageModelTask,
  DEFAULT_LANGUAGE_MODEL_CONFIG,
  type LanguageModel,
  type LanguageModelConfig,
  type LmCellType,
  type LmDropoutConfig,
  type LmState,
} from '@bayesrnn/models';
import { createPointPosterior } from '@bayesrnn/posteriors';
import type { Posterior, RngKey } from '@bayesrnn/spec';
import { type Optimizer, type OptimizerState, runTrainingStep } from '@bayesrnn/train';
import type { Contender, PreparedContender } from './contender.js';
import { readBack } from './read-back.js';
import { type BenchShape, tokensPerStep } from './shape.js';
import { syntheticTrainingWindows } from './synthetic-tokens.js';

/** Distinct synthetic windows a training contender cycles through (the state is carried). */
export const TRAINING_WINDOWS = 8;

/** Global-norm clipping threshold of every contender's step (Zaremba et al. 2014). */
export const CLIP_NORM = 5;

/** How one of our LM steps is configured. */
export interface OursLmStepOptions {
  readonly name: string;
  readonly description: string;
  readonly dropout: LmDropoutConfig;
  readonly optimizer: () => Optimizer;
  readonly learningRate: number;
  /** Weights from a posterior (BBB, sharpening) instead of point variables. */
  readonly posterior?: (specs: LanguageModel['weightSpecs'], key: RngKey) => Posterior;
  /** Sees the model once it is made (an experiment may swap a cell's window for another). */
  readonly onModel?: (model: LanguageModel) => void;
  /** The recurrent cell (default: the LSTM of `DEFAULT_LANGUAGE_MODEL_CONFIG`). */
  readonly cell?: LmCellType;
}

/** Our language model on the shape, with the given dropout. */
export function benchModelConfig(shape: BenchShape, dropout: LmDropoutConfig): LanguageModelConfig {
  const { vocabSize, embeddingSize, hiddenSize, layers } = shape;
  return {
    ...DEFAULT_LANGUAGE_MODEL_CONFIG,
    vocabSize,
    embeddingSize,
    hiddenSize,
    layers,
    dropout,
  };
}

/**
 * A contender that trains our LM exactly as `bayesrnn-lm train` does: `createLanguageModel`,
 * `createLanguageModelTask` and `runTrainingStep` (clipping, NaN guard, optimiser update), the
 * state carried from window to window.
 */
export function oursLmStepContender(options: OursLmStepOptions): Contender {
  return {
    name: options.name,
    description: options.description,
    inProcess: true,
    setup: async (shape) => prepare(options, shape),
  };
}

function prepare(options: OursLmStepOptions, shape: BenchShape): PreparedContender {
  const config = benchModelConfig(shape, options.dropout);
  const model = createLanguageModel({ ...config, cell: options.cell ?? config.cell });
  options.onModel?.(model);
  const [initKey = createKey(0), runKey = createKey(1)] = splitKey(createKey(shape.seed), 2);
  const posterior =
    options.posterior?.(model.weightSpecs, initKey) ??
    createPointPosterior(model.weightSpecs, initKey);
  const variables = posterior.variables;
  const task = createLanguageModelTask({
    model,
    posterior,
    train: syntheticTrainingWindows(shape, TRAINING_WINDOWS),
  });
  const optimizer = options.optimizer();
  let optimizerState: OptimizerState = optimizer.init(variables);
  let state: LmState = task.initialState();
  let step = 0;
  let lastLoss: number | undefined;
  const last = Object.values(variables).at(-1);
  return {
    tokensPerStep: tokensPerStep(shape),
    step: async () => {
      const result = await runTrainingStep({
        task,
        window: step % task.windowsPerEpoch,
        state,
        context: { key: foldIn(runKey, step), epoch: 0, step: step + 1 },
        optimizer,
        optimizerState,
        learningRate: options.learningRate,
        clipNorm: CLIP_NORM,
      });
      if (result.state === undefined || result.optimizerState === undefined) {
        throw new Error(`${options.name}: step ${step + 1} was not finite (loss ${result.loss})`);
      }
      disposeTree([state, optimizerState]);
      lastLoss = result.loss;
      state = result.state;
      optimizerState = result.optimizerState;
      step += 1;
      if (last !== undefined) await readBack(last);
    },
    lastLoss: () => lastLoss,
    dispose: () => disposeTree([state, optimizerState, Object.values(variables)]),
  };
}
