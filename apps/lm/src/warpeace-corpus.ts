import { join } from 'node:path';
import { buildVocabulary, encodeTokens, readTextChars, type Vocabulary } from '@bayesrnn/data';

/** The file in the War and Peace folder (Karpathy's `warpeace_input.txt`, gzipped). */
export const WARPEACE_FILE = 'warpeace_input.txt.gz';

/** A corpus as id streams: its vocabulary and the three splits. */
export interface CorpusIds {
  readonly vocabulary: Vocabulary;
  readonly train: Int32Array;
  readonly valid: Int32Array;
  readonly test: Int32Array;
}

/**
 * Split sizes in characters by char-rnn's rule (Karpathy et al. 2016, as Gan et al. 2017 use
 * it): the text holds `n = floor(N / (batch · steps))` whole batches; train gets
 * `floor(0.8 n)`, valid `floor(0.1 n)`, test the rest. War and Peace with batch 100 × 100
 * gives 260 / 32 / 33, the paper's counts; the last `N mod (batch · steps)` are unused.
 */
export function charRnnSplitSizes(
  total: number,
  batchCharacters: number,
): { train: number; valid: number; test: number } {
  const batches = Math.floor(total / batchCharacters);
  const train = Math.floor(0.8 * batches);
  const valid = Math.floor(0.1 * batches);
  if (valid === 0) {
    throw new RangeError(
      `${total} characters make ${batches} batches of ${batchCharacters}: too few for an 80/10/10 split`,
    );
  }
  return {
    train: train * batchCharacters,
    valid: valid * batchCharacters,
    test: (batches - train - valid) * batchCharacters,
  };
}

/**
 * Reads War and Peace from `dir` as one token per character. Line endings stay CRLF, as in
 * the file char-rnn read byte by byte: the paper's 260/32/33 batches count the `\r`s, so a
 * per-character cross-entropy is comparable only on the same stream (3,258,226 characters;
 * char-rnn's bytes differ by the BOM and 17 bytes of the few non-ASCII characters). The
 * vocabulary is every character of the book, most frequent first; a trained run's
 * vocabulary encodes strictly.
 *
 * The splits are contiguous: train is the first 80% of the batches' characters, then valid,
 * then test. (char-rnn lays the text out as 100 row streams first and splits each row, so its
 * valid and test are 100 scattered pieces; contiguous parts keep held-out text unseen.)
 */
export async function loadWarPeace(
  dir: string,
  batchCharacters: number,
  vocabulary?: Vocabulary,
): Promise<CorpusIds> {
  const path = join(dir, WARPEACE_FILE);
  const text = await readTextChars(path, { normalizeNewlines: false });
  const chars = vocabulary ?? buildVocabulary(text.tokens, { specials: [] });
  const ids = encodeTokens(text.tokens, chars, { strict: true, source: text });
  const sizes = charRnnSplitSizes(ids.length, batchCharacters);
  return {
    vocabulary: chars,
    train: ids.subarray(0, sizes.train),
    valid: ids.subarray(sizes.train, sizes.train + sizes.valid),
    test: ids.subarray(sizes.train + sizes.valid, sizes.train + sizes.valid + sizes.test),
  };
}
