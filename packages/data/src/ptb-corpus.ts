import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DATA_LOCATION_HINT, DataError } from './data-error.js';
import { countUnknownTokens, encodeTokens } from './encode-tokens.js';
import { readPtbWords } from './ptb-word-reader.js';
import { type TokenizedText, truncateTokens } from './tokenized-text.js';
import { buildVocabulary, type Vocabulary } from './vocabulary.js';

/** The three splits of a language-model corpus. */
export type CorpusSplit = 'train' | 'valid' | 'test';

const SPLITS: readonly CorpusSplit[] = ['train', 'valid', 'test'];

/** Options of {@link loadPtbCorpus}. */
export interface PtbCorpusOptions {
  /** Explicit file names per split, resolved against the directory; others are searched for. */
  readonly files?: Partial<Readonly<Record<CorpusSplit, string>>>;
  /**
   * Keep only the most frequent train tokens, `<unk>` and `<eos>` included (others → `<unk>`);
   * 2,000 for the §1.8/§3.4 subset. Default: every train token (10,000 on PTB).
   */
  readonly maxVocabulary?: number;
  /** Use only the first this many train tokens, and build the vocabulary from them (~100k for §1.8). */
  readonly trainTokens?: number;
  /** Use only the first this many validation tokens (e.g. 20k, §1.8). */
  readonly validTokens?: number;
  /** Use only the first this many test tokens. */
  readonly testTokens?: number;
  /** A vocabulary to use instead of building one (e.g. the one saved with a checkpoint). */
  readonly vocabulary?: Vocabulary;
  /** Refuse tokens outside the vocabulary instead of mapping them to `<unk>` (default false). */
  readonly strict?: boolean;
}

/** A PTB-style corpus as id streams, ready for {@link createTbpttBatches}. */
export interface PtbCorpus {
  readonly vocabulary: Vocabulary;
  /** Train ids `[trainTokens]`, `<eos>` after every sentence. */
  readonly train: Int32Array;
  readonly valid: Int32Array;
  readonly test: Int32Array;
  /** The file read for each split. */
  readonly files: Readonly<Record<CorpusSplit, string>>;
  /** Tokens per split that were outside the vocabulary and became `<unk>`. */
  readonly unknownTokens: Readonly<Record<CorpusSplit, number>>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The file for one split: the explicit name if given, else `ptb.<split>.txt`, then
 * `ptb.<split>.txt.gz` (plain first, so an unpacked copy wins over the archive).
 *
 * @throws {DataError} `'missing'`, listing the names looked for and how to point at the data.
 */
export async function findPtbFile(
  directory: string,
  split: CorpusSplit,
  explicit?: string,
): Promise<string> {
  const names = explicit === undefined ? [`ptb.${split}.txt`, `ptb.${split}.txt.gz`] : [explicit];
  for (const name of names) {
    const path = resolve(directory, name);
    if (await isFile(path)) return path;
  }
  const where = (await stat(directory).catch(() => undefined))?.isDirectory()
    ? `in ${directory}`
    : `(directory ${directory} does not exist)`;
  throw new DataError(
    'missing',
    join(directory, names[0] ?? ''),
    `No PTB ${split} file ${where}: looked for ${names.join(', ')}; ${DATA_LOCATION_HINT}`,
  );
}

function limit(text: TokenizedText, maxTokens: number | undefined): TokenizedText {
  return maxTokens === undefined ? text : truncateTokens(text, maxTokens);
}

function chooseVocabulary(train: TokenizedText, options: PtbCorpusOptions): Vocabulary {
  if (options.vocabulary === undefined) {
    const maxSize = options.maxVocabulary;
    return buildVocabulary(train.tokens, maxSize === undefined ? {} : { maxSize });
  }
  if (options.maxVocabulary !== undefined) {
    throw new Error('loadPtbCorpus: give either vocabulary or maxVocabulary, not both');
  }
  return options.vocabulary;
}

/**
 * Loads Mikolov's word-level PTB from `directory` (`ptb.{train,valid,test}.txt`, each plain
 * or `.gz`): reads the three files, builds the vocabulary from train (most frequent first,
 * `<unk>` id 0, `<eos>` id 1) and encodes every split. Full PTB gives 929,589 / 73,760 /
 * 82,430 tokens and a 10,000-token vocabulary with no unknowns (papers.md §0.2). For the
 * small CPU reproductions (§1.8, §3.4): `{trainTokens: 100_000, maxVocabulary: 2000}`.
 *
 * @example const ptb = await loadPtbCorpus('data/ptb', { trainTokens: 100_000, maxVocabulary: 2000 });
 * @throws {DataError} for a missing, empty, binary or corrupt file (naming it), or, with
 *   `strict`, a token outside the vocabulary (naming file and line).
 */
export async function loadPtbCorpus(
  directory: string,
  options: PtbCorpusOptions = {},
): Promise<PtbCorpus> {
  // Look for all three before reading any, so a missing file is reported the same way every time.
  const files: Record<CorpusSplit, string> = { train: '', valid: '', test: '' };
  for (const split of SPLITS) {
    files[split] = await findPtbFile(directory, split, options.files?.[split]);
  }
  const read = async (split: CorpusSplit): Promise<TokenizedText> =>
    limit(await readPtbWords(files[split]), options[`${split}Tokens`]);
  const reads = [read('train'), read('valid'), read('test')] as const;
  // Read in parallel, but report the first failure in split order, so it is always the same.
  await Promise.allSettled(reads);
  const train = await reads[0];
  const valid = await reads[1];
  const test = await reads[2];
  const vocabulary = chooseVocabulary(train, options);
  const encode = (text: TokenizedText): Int32Array =>
    encodeTokens(text.tokens, vocabulary, { strict: options.strict === true, source: text });
  return {
    vocabulary,
    train: encode(train),
    valid: encode(valid),
    test: encode(test),
    files,
    unknownTokens: {
      train: countUnknownTokens(train.tokens, vocabulary),
      valid: countUnknownTokens(valid.tokens, vocabulary),
      test: countUnknownTokens(test.tokens, vocabulary),
    },
  };
}
