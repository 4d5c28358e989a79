// Re-exports by name only; see the files beside it.
export type {
  CaptionBatch,
  CaptionExample,
  CaptionFeatures,
  CaptionRowOptions,
} from './captions/caption-batch.js';
export {
  type CaptionBatchOptions,
  type CaptionBatchSource,
  type CaptionEvaluationOptions,
  type CaptionEvaluationSource,
  createCaptionBatches,
  createCaptionEvaluation,
} from './captions/caption-batches.js';
export { tokenizeCaption } from './captions/caption-tokens.js';
export {
  buildCaptionVocabulary,
  CAPTION_BOS,
  CAPTION_PAD,
  CAPTION_SPECIALS,
  type CaptionVocabularyOptions,
  encodeCaption,
  encodeCaptionSplit,
} from './captions/caption-vocabulary.js';
export {
  type ImageFeatures,
  readImageFeatures,
  selectImageFeatures,
} from './captions/image-features.js';
export { decodeNpy, type NpyArray, readNpy } from './captions/npy-file.js';
export {
  type CaptionSplit,
  type Flickr8kSplits,
  loadFlickr8k,
  readFlickr8kCaptions,
  readImageList,
} from './captions/read-flickr8k.js';
export { DATA_LOCATION_HINT, DataError, type DataErrorCode } from './data-error.js';
export { dataFolderCandidates } from './data-folder-candidates.js';
export {
  countUnknownTokens,
  type EncodeTokensOptions,
  encodeTokens,
} from './encode-tokens.js';
export {
  createEvaluationBatches,
  type EvaluationBatches,
  type EvaluationWindow,
} from './evaluation-batches.js';
export { SORT_POOL_BATCHES } from './length-sorted-batches.js';
export { PTB_CHAR_WORD_SEPARATOR, readPtbChars, tokenizePtbChars } from './ptb-char-reader.js';
export {
  type CorpusSplit,
  findPtbFile,
  loadPtbCorpus,
  type PtbCorpus,
  type PtbCorpusOptions,
} from './ptb-corpus.js';
export { readPtbWords, tokenizePtbWords } from './ptb-word-reader.js';
export { reverseSentences } from './reverse-sentences.js';
export {
  type ClassificationBatch,
  type ClassificationBatchOptions,
  type ClassificationBatchSource,
  type ClassificationEvaluationOptions,
  type ClassificationEvaluationSource,
  createClassificationBatches,
  createClassificationEvaluation,
} from './sentence-classification/classification-batches.js';
export {
  type CleanSentenceOptions,
  cleanSentence,
} from './sentence-classification/clean-sentence.js';
export {
  buildSentenceVocabulary,
  type EncodedSentence,
  type EncodeSentencesOptions,
  encodeSentences,
  PAD_ID,
  PAD_TOKEN,
  type SentenceVocabularyOptions,
} from './sentence-classification/encode-sentences.js';
export {
  type CrossValidationOptions,
  type CrossValidationSplit,
  crossValidationSplit,
  type HoldOutOptions,
  type HoldOutSplit,
  holdOutSplit,
} from './sentence-classification/folds.js';
export {
  type LabelledSentence,
  readSentenceClassification,
  SENTENCE_CLASSIFICATION_DATASETS,
  type SentenceDataset,
  type SentenceDatasetName,
} from './sentence-classification/read-sentence-classification.js';
export { splitSequence } from './split-sequence.js';
export {
  type BinaryAlphabet,
  type BinaryAlphabetConfig,
  createBinaryAlphabet,
  DEFAULT_BINARY_ALPHABET_CONFIG,
  DEFAULT_FLIP_PROBABILITY,
  noisyFrames,
} from './synthetic/binary-alphabet.js';
export {
  type CopyBatch,
  type CopyTaskConfig,
  DEFAULT_COPY_TASK_CONFIG,
  makeCopyBatch,
} from './synthetic/copy-task.js';
export { RECALL_TASKS, type RecallTask } from './synthetic/recall-sequences.js';
export {
  DEFAULT_RECALL_BATCH_CONFIG,
  makeRecallBatch,
  type RecallBatch,
  type RecallBatchConfig,
  type RecallBatchOptions,
} from './synthetic/recall-tasks.js';
export {
  createTbpttBatches,
  type TbpttBatches,
  type TbpttConfig,
  type TbpttWindow,
} from './tbptt-batches.js';
export {
  readTextChars,
  type TextCharsOptions,
  tokenizeTextChars,
} from './text-char-reader.js';
export type { ReadTextFileOptions, TextFileEncoding } from './text-file.js';
export { readTextFile, type TextFile } from './text-file.js';
export {
  lineOfToken,
  type TokenizedText,
  type TokenSource,
  truncateTokens,
} from './tokenized-text.js';
export {
  type BuildVocabularyOptions,
  buildVocabulary,
  createVocabulary,
  DEFAULT_SPECIALS,
  EOS_TOKEN,
  UNK_TOKEN,
  type Vocabulary,
} from './vocabulary.js';
export {
  loadVocabulary,
  saveVocabulary,
  VOCABULARY_FORMAT,
  VOCABULARY_FORMAT_VERSION,
} from './vocabulary-file.js';
