export {
  type BeamSearchOptions,
  type BeamStepper,
  beamSearch,
  type DecodedCaption,
} from './caption/beam-search.js';
export {
  type CaptionBatch,
  type CaptionBatchSource,
  type CaptionEvaluationSource,
  checkCaptionBatch,
} from './caption/caption-batch.js';
export {
  type CaptionDecoderConfig,
  DEFAULT_CAPTION_DECODER_CONFIG,
  validateCaptionDecoderConfig,
} from './caption/caption-config.js';
export {
  type CaptionDecoder,
  type CaptionLogitsOptions,
  type CaptionStep,
  createCaptionDecoder,
} from './caption/caption-decoder.js';
export {
  type CaptionTaskOptions,
  type CaptionTaskState,
  captionNllSum,
  captionTargetMask,
  createCaptionTask,
} from './caption/caption-task.js';
export {
  type CaptionEnsembleScores,
  type CaptionScores,
  evaluateCaptionDecoder,
  evaluateCaptionEnsemble,
} from './caption/evaluate-captions.js';
export { type GenerateCaptionsOptions, generateCaptions } from './caption/generate-captions.js';
export {
  type ClassificationBatch,
  type ClassificationBatchSource,
  type ClassificationEvaluationSource,
  checkClassificationBatch,
} from './classifier/classification-batch.js';
export {
  DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  type SentenceClassifierConfig,
  validateSentenceClassifierConfig,
} from './classifier/classifier-config.js';
export {
  type ClassifierPredictive,
  type ClassifierScores,
  createClassifierPredictive,
} from './classifier/classifier-predictive.js';
export {
  type ClassifierTaskOptions,
  type ClassifierTaskState,
  createClassifierTask,
} from './classifier/classifier-task.js';
export {
  type ClassifierEnsembleEvaluation,
  type ClassifierEvaluateOptions,
  evaluateClassifier,
  evaluateClassifierEnsemble,
} from './classifier/evaluate-classifier.js';
export {
  type ClassifierDirection,
  type ClassifierLogitsOptions,
  createSentenceClassifier,
  type SentenceClassifier,
} from './classifier/sentence-classifier.js';
export {
  type Ensemble,
  type EnsembleEvaluation,
  evaluateEnsemble,
} from './evaluate-ensemble.js';
export {
  type EvaluateOptions,
  evaluateLanguageModel,
  type LmEvaluation,
} from './evaluate-language-model.js';
export {
  createLanguageModel,
  type LanguageModel,
  type LmForward,
  type LmState,
} from './language-model.js';
export {
  createLanguageModelTask,
  type LanguageModelTaskOptions,
  type TrainingWindowSource,
} from './language-model-task.js';
export { type AnyCell, createLayerCells, layerWeightName } from './layer-cells.js';
export {
  DEFAULT_LANGUAGE_MODEL_CONFIG,
  type LanguageModelConfig,
  type LmCellType,
  type LmDropoutConfig,
  validateLanguageModelConfig,
} from './lm-config.js';
export {
  disposeLmWindow,
  type LmWindow,
  type LmWindowOptions,
  startLmWindow,
} from './lm-window.js';
export {
  type AnyMemory,
  type ControllerCell,
  controllerWeightName,
  createMemoryAugmentedCell,
  INTERFACE_BIAS,
  INTERFACE_KERNEL,
  type MemoryAugmentedCellConfig,
  type MemoryAugmentedState,
} from './memory-augmented-cell.js';
export type { CellFactory, CellFactoryOptions, ModelCell } from './model-cell.js';
export {
  type PredictiveEntropy,
  type PredictiveEntropyOptions,
  predictiveEntropy,
} from './predictive-entropy.js';
export {
  createRunningPredictive,
  type RunningPredictive,
} from './running-predictive.js';
export { type SampleOptions, sampleLanguageModel } from './sample-language-model.js';
export {
  evaluateSharpenedBound,
  type SharpenedBound,
  type SharpenedBoundOptions,
} from './sharpened-bound.js';
export { type TaskWeights, taskWeightSource } from './task-weights.js';
export { type WindowData, windowDataLoss } from './window-data-loss.js';
export type { EvaluationWindowSource } from './window-source.js';
