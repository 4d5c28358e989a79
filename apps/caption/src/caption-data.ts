import {
  buildCaptionVocabulary,
  CAPTION_BOS,
  type CaptionBatchSource,
  type CaptionEvaluationSource,
  type CaptionSplit,
  createCaptionBatches,
  createCaptionEvaluation,
  EOS_TOKEN,
  encodeCaptionSplit,
  type Flickr8kSplits,
  loadFlickr8k,
  readImageFeatures,
  selectImageFeatures,
  type Vocabulary,
} from '@bayesrnn/data';
import type { RngKey } from '@bayesrnn/spec';
import type { CaptionRunConfig } from './train-options.js';

/** Captions per evaluation batch: teacher forcing only, so larger than training's. */
const EVALUATION_BATCH = 250;

/** A split's images ready to caption: their features and their reference captions. */
export interface CaptionImages {
  readonly names: readonly string[];
  /** `[images · D]` (empty when blind). */
  readonly features: Float32Array;
  /** Each image's reference captions, as words (before the vocabulary's `<unk>`). */
  readonly references: readonly (readonly string[][])[];
}

/** Everything a run reads, built from Flickr8k and the features. */
export interface CaptionData {
  readonly vocabulary: Vocabulary;
  readonly bosId: number;
  readonly eosId: number;
  /** `D`, 0 when blind. */
  readonly featureSize: number;
  readonly train: CaptionBatchSource;
  /** Teacher-forced scoring: Flickr8k's dev split as `valid`, and `test`. */
  readonly evaluation: {
    readonly valid: CaptionEvaluationSource;
    readonly test: CaptionEvaluationSource;
  };
  readonly testImages: CaptionImages;
  readonly counts: {
    readonly images: Record<'train' | 'valid' | 'test', number>;
    readonly captions: Record<'train' | 'valid' | 'test', number>;
  };
  readonly files: Flickr8kSplits['files'] & {
    readonly features?: string;
    readonly featureNames?: string;
  };
}

/** The first `images` images of a split (all of them when `undefined`). */
function firstImages(split: CaptionSplit, images: number | undefined): CaptionSplit {
  if (images === undefined) return split;
  return { images: split.images.slice(0, images), captions: split.captions.slice(0, images) };
}

/**
 * Reads Flickr8k from `dataDir` and, unless the run is blind, the image features; builds the
 * vocabulary from the training captions (words seen `minCount` times) and the batch sources.
 * Training captions are cut to `maxWords` words; evaluation reads them whole.
 */
export async function loadCaptionData(
  dataDir: string,
  config: CaptionRunConfig,
  key: RngKey,
): Promise<CaptionData> {
  const flickr = await loadFlickr8k(dataDir);
  const train = firstImages(flickr.train, config.images);
  const vocabulary = buildCaptionVocabulary(train.captions.flat(), { minCount: config.minCount });
  const bosId = vocabulary.id(CAPTION_BOS);
  const eosId = vocabulary.id(EOS_TOKEN);
  const features =
    config.features === undefined
      ? undefined
      : await readImageFeatures(config.features.file, config.features.names);
  const featureSize = features?.size ?? 0;
  const featuresOf = (split: CaptionSplit, name: string) => ({
    size: featureSize,
    data:
      features === undefined
        ? new Float32Array(0)
        : selectImageFeatures(features, split.images, `${name} (${config.features?.names})`),
  });
  const rows = { bosId, eosId };
  const testFeatures = featuresOf(flickr.test, flickr.files.test);
  const evaluate = (split: CaptionSplit, splitFeatures: ReturnType<typeof featuresOf>) =>
    createCaptionEvaluation(encodeCaptionSplit(split, vocabulary), splitFeatures, {
      ...rows,
      batchSize: EVALUATION_BATCH,
    });
  const captionCount = (split: CaptionSplit) => split.captions.reduce((n, c) => n + c.length, 0);
  return {
    vocabulary,
    bosId,
    eosId,
    featureSize,
    train: createCaptionBatches(
      encodeCaptionSplit(train, vocabulary),
      featuresOf(train, flickr.files.train),
      {
        ...rows,
        batchSize: config.batchSize,
        key,
        maxLength: config.maxWords,
      },
    ),
    evaluation: {
      valid: evaluate(flickr.dev, featuresOf(flickr.dev, flickr.files.dev)),
      test: evaluate(flickr.test, testFeatures),
    },
    testImages: {
      names: flickr.test.images,
      features: testFeatures.data,
      references: flickr.test.captions,
    },
    counts: {
      images: {
        train: train.images.length,
        valid: flickr.dev.images.length,
        test: flickr.test.images.length,
      },
      captions: {
        train: captionCount(train),
        valid: captionCount(flickr.dev),
        test: captionCount(flickr.test),
      },
    },
    files: {
      ...flickr.files,
      ...(config.features === undefined
        ? {}
        : { features: config.features.file, featureNames: config.features.names }),
    },
  };
}
