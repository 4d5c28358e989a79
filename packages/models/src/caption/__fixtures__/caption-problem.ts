import type {
  CaptionBatch,
  CaptionBatchSource,
  CaptionEvaluationSource,
} from '../caption-batch.js';

/** `<pad>` 0, `<unk>` 1, `<bos>` 2, `<eos>` 3; words from 4. */
export const BOS = 2;
export const EOS = 3;
export const VOCAB = 10;
/** Images, each with a one-hot feature of this width. */
export const IMAGES = 4;

/**
 * Image `i`'s caption: word `4 + i`, then `8 + i mod 2`. Only the image tells the first word,
 * so a decoder that ignores the features cannot learn it.
 */
export function captionOf(image: number): number[] {
  return [4 + image, 8 + (image % 2)];
}

/** One-hot features of `images` (row `i` has a 1 at `i mod IMAGES`). */
export function oneHotFeatures(images: readonly number[], size = IMAGES): Float32Array {
  const features = new Float32Array(images.length * size);
  images.forEach((image, row) => {
    if (size > 0) features[row * size + (image % size)] = 1;
  });
  return features;
}

/** A padded teacher-forced batch of the images' captions (`featureSize` 0: no features). */
export function captionBatch(
  images: readonly number[],
  featureSize = IMAGES,
  captions: (image: number) => number[] = captionOf,
): CaptionBatch {
  const words = images.map(captions);
  const steps = Math.max(...words.map((w) => w.length)) + 1;
  const inputs = new Int32Array(images.length * steps);
  const targets = new Int32Array(images.length * steps);
  words.forEach((caption, row) => {
    inputs.set([BOS, ...caption], row * steps);
    targets.set([...caption, EOS], row * steps);
  });
  return {
    rows: images.length,
    steps,
    featureSize,
    features: oneHotFeatures(images, featureSize),
    inputs,
    targets,
    lengths: Int32Array.from(words, (w) => w.length + 1),
  };
}

/** `batches` batches of `rows` captions cycling over the images, rotated by epoch. */
export function trainingSource(
  batches: number,
  rows: number,
  featureSize = IMAGES,
): CaptionBatchSource {
  return {
    batchesPerEpoch: batches,
    examples: batches * rows,
    batch: (epoch, index) =>
      captionBatch(
        Array.from({ length: rows }, (_, row) => (epoch + index * rows + row) % IMAGES),
        featureSize,
      ),
  };
}

/** Every image's caption once, in one batch. */
export function evaluationSource(featureSize = IMAGES): CaptionEvaluationSource {
  const images = Array.from({ length: IMAGES }, (_, image) => image);
  return { batches: 1, examples: IMAGES, batch: () => captionBatch(images, featureSize) };
}
