/** One caption of an image, as word ids. */
export interface CaptionExample {
  /** The image's row in the features array given to the batches. */
  readonly image: number;
  /** `[words]` word ids, without `<bos>` or `<eos>` (the batches add them). */
  readonly tokens: Int32Array;
}

/**
 * One teacher-forced batch of captions, right-padded with 0 (`<pad>`). Row `r` of a caption
 * `w1 … wn` reads `inputs` `<bos> w1 … wn` and `targets` `w1 … wn <eos>`: the model sees the
 * image and `<bos>`, and predicts each next word, then the end.
 */
export interface CaptionBatch {
  /** Captions in the batch: `batchSize`, fewer in the one batch that takes the remainder. */
  readonly rows: number;
  /** `T`, the largest `words + 1` in the batch (≥ 1). */
  readonly steps: number;
  /** `D`, the feature size; 0 when there are no image features. */
  readonly featureSize: number;
  /** `[rows · D]` row-major: each caption's image feature row. */
  readonly features: Float32Array;
  /** `[rows · steps]` row-major: `<bos>`, `w1 … wn`, then 0. */
  readonly inputs: Int32Array;
  /** `[rows · steps]` row-major: `w1 … wn`, `<eos>`, then 0. */
  readonly targets: Int32Array;
  /** `[rows]`: `n + 1` (the steps that count), each in `[1, steps]`. */
  readonly lengths: Int32Array;
  /** `[rows]`: each caption's image row. */
  readonly images: Int32Array;
}

/** The image features batches draw from: `[rows · size]` row-major. */
export interface CaptionFeatures {
  /** `D`; 0 for captions without images (a plain language model), `data` then empty. */
  readonly size: number;
  /** `[rows · D]` row-major float32; row `r` belongs to the examples with `image` `r`. */
  readonly data: Float32Array;
}

/** How captions become rows: the options both batch sources share. */
export interface CaptionRowOptions {
  /** The id of `<bos>`, the first input of every row (`vocabulary.id(CAPTION_BOS)`). */
  readonly bosId: number;
  /** The id of `<eos>`, the last target of every row (`vocabulary.eosId`). */
  readonly eosId: number;
  /** Keep only a caption's first this many words (default: all). */
  readonly maxLength?: number;
}

/** Checked examples, ready to be cut into batches ({@link captionLayout}). */
export interface CaptionLayout {
  /** `[examples]`: each caption's `words + 1` after `maxLength`, what the batches sort by. */
  readonly lengths: Int32Array;
  /** `Σ lengths`: the tokens predicted in one pass over the examples. */
  readonly tokens: number;
  /** The batch of the examples at `indices`, row by row, in fresh arrays. */
  batch(indices: Int32Array): CaptionBatch;
}

function checkInteger(who: string, name: string, value: number, least: number): void {
  if (!(Number.isInteger(value) && value >= least && value < 2 ** 31)) {
    throw new RangeError(`${who}: ${name} must be an integer ≥ ${least}, got ${value}`);
  }
}

/** Checks the features and the options. */
function checkFeaturesAndOptions(
  who: string,
  features: CaptionFeatures,
  options: CaptionRowOptions,
): void {
  const { size, data } = features;
  checkInteger(who, 'features.size', size, 0);
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`${who}: features.data must be a Float32Array`);
  }
  if (size === 0 ? data.length !== 0 : data.length % size !== 0) {
    throw new RangeError(
      `${who}: features.data has ${data.length} values, not a whole number of rows of features.size ${size}`,
    );
  }
  checkInteger(who, 'bosId', options.bosId, 0);
  checkInteger(who, 'eosId', options.eosId, 0);
  if (options.maxLength !== undefined) checkInteger(who, 'maxLength', options.maxLength, 1);
}

/**
 * Checks the examples, the features and the options once, and returns how to lay out any
 * subset of the examples as a teacher-forced batch: the part the training and evaluation
 * sources share. Messages start with `who`.
 *
 * @throws {RangeError} for a bad option or feature size (naming it), no examples, or an image
 *   outside the features (naming the example); TypeError for tokens that are not an
 *   Int32Array or features that are not a Float32Array.
 */
export function captionLayout(
  who: string,
  examples: readonly CaptionExample[],
  features: CaptionFeatures,
  options: CaptionRowOptions,
): CaptionLayout {
  checkFeaturesAndOptions(who, features, options);
  if (examples.length === 0) throw new RangeError(`${who}: examples is empty`);
  const { size, data } = features;
  const { bosId, eosId, maxLength } = options;
  // Without features any image index goes: it only labels the caption's image.
  const imageRows = size === 0 ? 2 ** 31 : data.length / size;
  const words = examples.map(({ image, tokens }, index) => {
    if (!(tokens instanceof Int32Array)) {
      throw new TypeError(`${who}: examples[${index}].tokens must be an Int32Array`);
    }
    if (!(Number.isInteger(image) && image >= 0 && image < imageRows)) {
      throw new RangeError(
        `${who}: examples[${index}].image must be a row of the features, an integer in [0, ${imageRows}), got ${image}`,
      );
    }
    return maxLength === undefined ? tokens : tokens.subarray(0, maxLength);
  });
  const lengths = Int32Array.from(words, (caption) => caption.length + 1);
  const batch = (indices: Int32Array): CaptionBatch => {
    const rows = indices.length;
    const rowLengths = Int32Array.from(indices, (e) => lengths[e] ?? 1);
    const images = Int32Array.from(indices, (e) => examples[e]?.image ?? 0);
    const steps = rowLengths.reduce((most, length) => Math.max(most, length), 1);
    const rowFeatures = new Float32Array(rows * size);
    const inputs = new Int32Array(rows * steps); // zero-filled: the padding
    const targets = new Int32Array(rows * steps);
    for (let row = 0; row < rows; row += 1) {
      const caption = words[indices[row] ?? 0] as Int32Array;
      const start = row * steps;
      inputs[start] = bosId;
      inputs.set(caption, start + 1);
      targets.set(caption, start);
      targets[start + caption.length] = eosId;
      const image = images[row] ?? 0;
      rowFeatures.set(data.subarray(image * size, (image + 1) * size), row * size);
    }
    return {
      rows,
      steps,
      featureSize: size,
      features: rowFeatures,
      inputs,
      targets,
      lengths: rowLengths,
      images,
    };
  };
  return { lengths, tokens: lengths.reduce((total, length) => total + length, 0), batch };
}
