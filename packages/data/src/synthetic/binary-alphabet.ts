import { assertKey, checkInRange, checkPositiveInteger, foldIn } from '@bayesrnn/core';
import { hostUniforms, type RngKey } from './host-uniforms.js';

/** The shape of a binary alphabet: `symbols` random prototypes of `height × width` pixels. */
export interface BinaryAlphabetConfig {
  /** Number of symbols, the labels `0 … symbols − 1` (10: one per digit, papers.md §4.8). */
  readonly symbols: number;
  /** Prototype height in pixels (7, papers.md §4.8's "7×7 binary prototypes"). */
  readonly height: number;
  /** Prototype width in pixels (7, as `height`). */
  readonly width: number;
  /** Probability that a prototype pixel is 1 (0.5: the most distinct random prototypes). */
  readonly density: number;
}

/** The tiny alphabet of papers.md §4.8: 10 random 7×7 prototypes, half their pixels on. */
export const DEFAULT_BINARY_ALPHABET_CONFIG: BinaryAlphabetConfig = Object.freeze({
  symbols: 10,
  height: 7,
  width: 7,
  density: 0.5,
});

/**
 * The pixel-flip probability of an exemplar: "10% pixel-flip noise" (papers.md §4.8), the
 * stand-in for the style variation between MNIST images of one digit.
 */
export const DEFAULT_FLIP_PROBABILITY = 0.1;

/** Redraws allowed per symbol whose prototype repeats an earlier one before giving up. */
const MAX_ATTEMPTS = 64;

/**
 * A fixed set of distinct binary prototypes, one per symbol: the stand-in for MNIST digit
 * classes in the small reproduction of Gemici et al. 2017 (papers.md §4.8). A frame shows a
 * noisy exemplar of a prototype ({@link noisyFrames}).
 */
export interface BinaryAlphabet {
  /** Number of symbols; labels are `0 … symbols − 1`. */
  readonly symbols: number;
  /** Prototype height in pixels. */
  readonly height: number;
  /** Prototype width in pixels. */
  readonly width: number;
  /** Pixels per frame, `height · width`: the last dimension of every frame. */
  readonly frameSize: number;
  /**
   * The prototypes, `[symbols, frameSize]` row-major, pixels 0 or 1 (row-major `height ×
   * width` within a prototype): pixel `p` of symbol `s` is `prototypes[s · frameSize + p]`.
   * No two prototypes are equal. Treat as read-only.
   */
  readonly prototypes: Float32Array;
}

/**
 * Draws a binary alphabet from a key: prototype `s` has each pixel 1 with probability
 * `density`, from the draws of `foldIn(key, s)`, so it depends only on the key and `s` (adding
 * symbols keeps the others). A prototype equal to an earlier one is redrawn (from
 * `foldIn(foldIn(key, s), attempt)`), so the prototypes are distinct.
 *
 * @param config - any of {@link BinaryAlphabetConfig}; the rest from
 *   {@link DEFAULT_BINARY_ALPHABET_CONFIG}.
 * @returns prototypes `[symbols, height · width]` of 0/1 pixels.
 * @throws RangeError for a bad option, or when `symbols` distinct prototypes are impossible
 *   (`density` 0 or 1 with several symbols; more symbols than `2^(height·width)`) or unlikely.
 */
export function createBinaryAlphabet(
  key: RngKey,
  config: Partial<BinaryAlphabetConfig> = {},
): BinaryAlphabet {
  assertKey(key, 'createBinaryAlphabet');
  const { symbols, height, width, density } = checkAlphabetConfig({
    ...DEFAULT_BINARY_ALPHABET_CONFIG,
    ...config,
  });
  const frameSize = height * width;
  const prototypes = new Float32Array(symbols * frameSize);
  const seen = new Set<string>();
  for (let symbol = 0; symbol < symbols; symbol += 1) {
    const symbolKey = foldIn(key, symbol);
    const row = prototypes.subarray(symbol * frameSize, (symbol + 1) * frameSize);
    for (let attempt = 0; ; attempt += 1) {
      if (attempt === MAX_ATTEMPTS) {
        throw new RangeError(
          `createBinaryAlphabet: could not draw ${symbols} distinct prototypes of ${frameSize} ` +
            `pixels at density ${density}; use fewer symbols, more pixels or a density nearer 0.5`,
        );
      }
      const draws = hostUniforms(attempt === 0 ? symbolKey : foldIn(symbolKey, attempt), frameSize);
      for (let pixel = 0; pixel < frameSize; pixel += 1) {
        row[pixel] = (draws[pixel] as number) < density ? 1 : 0;
      }
      const pattern = row.join('');
      if (!seen.has(pattern)) {
        seen.add(pattern);
        break;
      }
    }
  }
  return Object.freeze({ symbols, height, width, frameSize, prototypes });
}

function checkAlphabetConfig(config: BinaryAlphabetConfig): BinaryAlphabetConfig {
  const where = 'createBinaryAlphabet:';
  const symbols = checkPositiveInteger(config.symbols, `${where} symbols`);
  const height = checkPositiveInteger(config.height, `${where} height`);
  const width = checkPositiveInteger(config.width, `${where} width`);
  const density = checkInRange(config.density, 0, 1, `${where} density`);
  if (symbols > 1 && (density === 0 || density === 1)) {
    throw new RangeError(
      `${where} density must be strictly between 0 and 1 for ${symbols} distinct prototypes, got ${density}`,
    );
  }
  if (symbols > 2 ** (height * width)) {
    throw new RangeError(
      `${where} symbols must be at most 2^(height·width) = ${2 ** (height * width)} ` +
        `for distinct ${height}×${width} prototypes, got ${symbols}`,
    );
  }
  return { symbols, height, width, density };
}

/**
 * Fresh noisy exemplars of symbols, on the host: exemplar `i` is the prototype of `labels[i]`
 * with each pixel flipped independently with probability `flipProbability`, from the draws of
 * `key` (`[labels.length, frameSize]` of them, row-major). Every call with a new key gives
 * new exemplars: the paper's "fresh exemplars" each time a symbol appears (Gemici et al. 2017,
 * Appendix D).
 *
 * @param labels - the symbols, `[count]`, each an integer in `[0, alphabet.symbols)`.
 * @returns `[count, frameSize]` row-major, pixels 0 or 1.
 */
export function noisyFrames(
  alphabet: BinaryAlphabet,
  labels: ArrayLike<number>,
  key: RngKey,
  flipProbability: number = DEFAULT_FLIP_PROBABILITY,
): Float32Array {
  assertKey(key, 'noisyFrames');
  checkInRange(flipProbability, 0, 1, 'noisyFrames: flipProbability');
  const { frameSize, symbols } = alphabet;
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] as number;
    if (!(Number.isInteger(label) && label >= 0 && label < symbols)) {
      throw new RangeError(
        `noisyFrames: labels[${i}] must be an integer in [0, ${symbols}), got ${label}`,
      );
    }
  }
  const draws = hostUniforms(key, labels.length * frameSize);
  const frames = new Float32Array(labels.length * frameSize);
  for (let i = 0; i < labels.length; i += 1) {
    writeExemplar(alphabet, labels[i] as number, flipProbability, draws, frames, i * frameSize);
  }
  return frames;
}

/**
 * Writes one exemplar of `label` at `offset` of `out`: pixel `p` is the prototype's, flipped
 * when `draws[offset + p] < flipProbability`. The building block of {@link noisyFrames} and
 * of the recall batches, which draw the noise of a whole batch at once. Unchecked.
 */
export function writeExemplar(
  alphabet: BinaryAlphabet,
  label: number,
  flipProbability: number,
  draws: Float32Array,
  out: Float32Array,
  offset: number,
): void {
  const { frameSize, prototypes } = alphabet;
  const start = label * frameSize;
  for (let pixel = 0; pixel < frameSize; pixel += 1) {
    const on = prototypes[start + pixel] as number;
    out[offset + pixel] = (draws[offset + pixel] as number) < flipProbability ? 1 - on : on;
  }
}
