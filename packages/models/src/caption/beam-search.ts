import * as tf from '@tensorflow/tfjs-core';

/**
 * What beam search needs from a model: the next word's log-probabilities for a set of
 * partial captions, and a way to keep the states of the survivors.
 *
 * @typeParam State - whatever the model carries between steps (e.g. each member's cell state).
 */
export interface BeamStepper<State> {
  /**
   * The log-probabilities of the next word, `[rows, vocabSize]`, for `rows` partial captions
   * whose last words are `tokens` `[rows]`, and their new state. Disposes nothing.
   */
  step(tokens: Int32Array, state: State): { logProbabilities: tf.Tensor2D; state: State };
  /** The rows `rows` of `state` (a row may repeat): a new state; disposes nothing. */
  select(state: State, rows: Int32Array): State;
  dispose(state: State): void;
}

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions {
  /** Partial captions kept per image, `k` (1: greedy decoding). */
  readonly beamSize: number;
  /** The most words before `<eos>`; a caption still open then is ended there. */
  readonly maxLength: number;
  readonly bosId: number;
  readonly eosId: number;
}

/** One image's decoded caption: word ids without `<bos>` and `<eos>`, and its log-probability. */
export interface DecodedCaption {
  readonly tokens: Int32Array;
  /** `Σ_t log p(w_t | w_{<t}, f)`, the final `<eos>` included. */
  readonly logProbability: number;
}

interface Hypothesis {
  readonly image: number;
  readonly tokens: readonly number[];
  readonly score: number;
  readonly finished: boolean;
}

/**
 * Beam search (as im2txt's caption generator, without length normalisation): every step
 * extends each open caption by its `k` likeliest words, and each image keeps its `k` best
 * captions, open or ended by `<eos>`. An image is done when its best caption has ended: scores
 * only fall as captions grow, so nothing open can overtake it. With `k = 1` this is greedy
 * decoding; with `k` at least the number of word sequences it is exact.
 *
 * @param initial - the state of `images` rows, one per image (e.g. after the image step); it
 *   is disposed here, whatever happens.
 */
export async function beamSearch<State>(
  stepper: BeamStepper<State>,
  initial: State,
  images: number,
  options: BeamSearchOptions,
): Promise<DecodedCaption[]> {
  const { beamSize, maxLength, bosId, eosId } = options;
  let state = initial;
  let beams: Hypothesis[][] = Array.from({ length: images }, (_, image) => [
    { image, tokens: [], score: 0, finished: false },
  ]);
  try {
    if (!(Number.isInteger(beamSize) && beamSize >= 1)) {
      throw new RangeError(`beamSearch: beamSize must be an integer ≥ 1, got ${beamSize}`);
    }
    if (!(Number.isInteger(maxLength) && maxLength >= 0)) {
      throw new RangeError(`beamSearch: maxLength must be an integer ≥ 0, got ${maxLength}`);
    }
    // `open[r]` is the hypothesis whose state is row r of `state`.
    let open = beams.flat();
    for (let length = 0; open.length > 0; length += 1) {
      const last = Int32Array.from(open, (h) => h.tokens[h.tokens.length - 1] ?? bosId);
      const next = stepper.step(last, state);
      stepper.dispose(state);
      state = next.state;
      const best = await topContinuations(next.logProbabilities, beamSize, eosId);
      next.logProbabilities.dispose();
      const children = new Map<Hypothesis, number>();
      const candidates = beams.map((kept) => kept.filter((h) => h.finished));
      open.forEach((parent, row) => {
        // At the length limit the only continuation is <eos>.
        const words =
          length === maxLength
            ? [{ word: eosId, logProbability: best.eos[row] ?? Number.NEGATIVE_INFINITY }]
            : best.words(row);
        for (const { word, logProbability } of words) {
          const child: Hypothesis = {
            image: parent.image,
            tokens: word === eosId ? parent.tokens : [...parent.tokens, word],
            score: parent.score + logProbability,
            finished: word === eosId,
          };
          candidates[parent.image]?.push(child);
          children.set(child, row);
        }
      });
      beams = candidates.map((list) => list.sort((a, b) => b.score - a.score).slice(0, beamSize));
      open = beams.flatMap((kept) =>
        kept[0]?.finished === true ? [] : kept.filter((h) => !h.finished),
      );
      const selected = stepper.select(
        state,
        Int32Array.from(open, (h) => children.get(h) ?? 0),
      );
      stepper.dispose(state);
      state = selected;
    }
  } finally {
    stepper.dispose(state);
  }
  return beams.map((kept) => {
    const best = kept.find((h) => h.finished) ?? kept[0];
    return { tokens: Int32Array.from(best?.tokens ?? []), logProbability: best?.score ?? 0 };
  });
}

/**
 * Each row's `k` likeliest words (largest first) and its `<eos>` log-probability, read back
 * from the device: `[rows, k]` and `[rows]` numbers instead of the whole `[rows, vocabSize]`.
 */
async function topContinuations(
  logProbabilities: tf.Tensor2D,
  k: number,
  eosId: number,
): Promise<{
  eos: Float32Array;
  words(row: number): { word: number; logProbability: number }[];
}> {
  const width = Math.min(k, logProbabilities.shape[1]);
  const [values, indices, eos] = tf.tidy(() => {
    const top = tf.topk(logProbabilities, width);
    return [top.values, top.indices, tf.reshape(tf.gather(logProbabilities, [eosId], 1), [-1])];
  });
  const [topValues, topIndices, eosValues] = await Promise.all([
    values.data() as Promise<Float32Array>,
    indices.data() as Promise<Int32Array>,
    eos.data() as Promise<Float32Array>,
  ]);
  tf.dispose([values, indices, eos]);
  return {
    eos: eosValues,
    words: (row) =>
      Array.from({ length: width }, (_, rank) => ({
        word: topIndices[row * width + rank] ?? eosId,
        logProbability: topValues[row * width + rank] ?? Number.NEGATIVE_INFINITY,
      })),
  };
}
