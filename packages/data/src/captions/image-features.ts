import { DataError } from '../data-error.js';
import { readNpy } from './npy-file.js';
import { readImageList } from './read-flickr8k.js';

/** Precomputed image features (a CNN's penultimate layer, say), one row per named image. */
export interface ImageFeatures {
  /** The image names, row by row: `names[r]` is row `r`. */
  readonly names: readonly string[];
  /** `D`, the length of a feature vector. */
  readonly size: number;
  /** `[names.length · D]` row-major float32. */
  readonly data: Float32Array;
  /** The row of image `name`, or `undefined` when it has none. */
  row(name: string): number | undefined;
}

/**
 * Reads image features: an `[N, D]` `.npy` array ({@link readNpy}) and a text file naming its
 * rows' images, one per line ({@link readImageList}), row `r` being the `r`-th name.
 *
 * @example
 * const features = await readImageFeatures('vgg16_fc7.npy', 'vgg16_fc7.names.txt');
 * features.row('1000268201_693b08cb0e.jpg'); // 0
 * @throws {DataError} `'format'` for an array that is not 2-D, a names file whose count
 *   differs from N (naming both files and both counts), or a name listed twice (naming the
 *   line); and the readers' errors.
 */
export async function readImageFeatures(
  featuresPath: string,
  namesPath: string,
): Promise<ImageFeatures> {
  const [array, names] = await Promise.all([readNpy(featuresPath), readImageList(namesPath)]);
  const [count, size] = array.shape;
  if (array.shape.length !== 2 || count === undefined || size === undefined) {
    throw new DataError(
      'format',
      featuresPath,
      `${featuresPath}: image features must be a 2-D [images, features] array, got shape [${array.shape.join(', ')}]`,
    );
  }
  if (names.length !== count) {
    throw new DataError(
      'format',
      namesPath,
      `${namesPath} names ${names.length} images but ${featuresPath} has ${count} rows; they must match row for row`,
    );
  }
  const rows = new Map(names.map((name, index) => [name, index]));
  return { names, size, data: array.data, row: (name) => rows.get(name) };
}

/**
 * The feature rows of `images`, in that order: `[images.length · D]` float32, ready to be
 * the `features` of {@link createCaptionBatches} with image `i` at row `i`.
 *
 * @example const trainFeatures = selectImageFeatures(features, flickr.train.images, 'train');
 * @throws {DataError} `'missing'` naming the first image without features; its path is
 *   `who`, the name of the image list (the split file, say) used in the message.
 */
export function selectImageFeatures(
  features: ImageFeatures,
  images: readonly string[],
  who: string,
): Float32Array {
  const { size, data } = features;
  const selected = new Float32Array(images.length * size);
  for (const [index, name] of images.entries()) {
    const row = features.row(name);
    if (row === undefined) {
      throw new DataError(
        'missing',
        who,
        `${who}: image ${name} (images[${index}]) has no row in the image features (${features.names.length} images)`,
      );
    }
    selected.set(data.subarray(row * size, (row + 1) * size), index * size);
  }
  return selected;
}
