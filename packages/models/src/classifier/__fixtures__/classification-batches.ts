// Test helpers (not exported, not published): padded batches and sources built from plain
// arrays, the shape `@bayesrnn/data` produces, without depending on it.
import type {
  ClassificationBatch,
  ClassificationBatchSource,
  ClassificationEvaluationSource,
} from '../classification-batch.js';

/** Sentences as one batch, right-padded with 0 to `steps` (default: the longest). */
export function makeBatch(
  sentences: readonly (readonly number[])[],
  labels: readonly number[],
  steps = Math.max(...sentences.map((s) => s.length)),
): ClassificationBatch {
  const rows = sentences.length;
  const tokens = new Int32Array(rows * steps);
  sentences.forEach((sentence, row) => {
    tokens.set(sentence, row * steps);
  });
  return {
    rows,
    steps,
    tokens,
    lengths: Int32Array.from(sentences, (s) => s.length),
    labels: Int32Array.from(labels),
  };
}

/** Every example once, in order, `batchSize` per batch (the last may be smaller). */
export function makeEvaluationSource(
  sentences: readonly (readonly number[])[],
  labels: readonly number[],
  batchSize: number,
): ClassificationEvaluationSource {
  const batches = Math.ceil(sentences.length / batchSize);
  return {
    batches,
    examples: sentences.length,
    batch: (index) =>
      makeBatch(
        sentences.slice(index * batchSize, (index + 1) * batchSize),
        labels.slice(index * batchSize, (index + 1) * batchSize),
      ),
  };
}

/** A permutation of `0 … n − 1` from a seed (Fisher–Yates on a small LCG): same seed, same order. */
function permutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = n - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  return order;
}

/** Full batches of `batchSize` in a new order every epoch, a pure function of (epoch, index). */
export function makeTrainingSource(
  sentences: readonly (readonly number[])[],
  labels: readonly number[],
  batchSize: number,
): ClassificationBatchSource {
  const batchesPerEpoch = Math.floor(sentences.length / batchSize);
  return {
    batchesPerEpoch,
    examples: batchesPerEpoch * batchSize,
    batch(epoch, index) {
      const picked = permutation(sentences.length, epoch).slice(
        index * batchSize,
        (index + 1) * batchSize,
      );
      return makeBatch(
        picked.map((i) => sentences[i] ?? []),
        picked.map((i) => labels[i] ?? 0),
      );
    },
  };
}

/**
 * A separable toy problem: `count` sentences of 2–6 ids from `1 … vocabSize − 1`, labelled 1
 * when id 3 occurs and 0 otherwise; a deterministic function of `seed`.
 */
export function containsThreeProblem(
  count: number,
  vocabSize: number,
  seed: number,
): { sentences: number[][]; labels: number[] } {
  let state = seed >>> 0;
  const next = (modulo: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 8) % modulo;
  };
  const sentences = Array.from({ length: count }, (_, i) => {
    const length = 2 + next(5);
    // Half the sentences are built to contain a 3, half to avoid it: balanced classes.
    const words = Array.from({ length }, () => {
      const id = 1 + next(vocabSize - 1);
      return id === 3 ? 4 : id;
    });
    if (i % 2 === 0) words[next(length)] = 3;
    return words;
  });
  return { sentences, labels: sentences.map((s) => (s.includes(3) ? 1 : 0)) };
}
