// Integration tests on the real corpora in shared/data (see shared/data/SOURCES.md §1, §2, §4,
// §3). The data directory is $BAYESRNN_DATA, else ../shared/data beside the repository root.
// Outside CI they are skipped when the data is absent; in CI (process.env.CI set) they run
// and fail, because a CI run that silently skipped them would prove nothing.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeTokens } from './encode-tokens.js';
import { readPtbChars } from './ptb-char-reader.js';
import { loadPtbCorpus, type PtbCorpus } from './ptb-corpus.js';
import { createTbpttBatches } from './tbptt-batches.js';
import { readTextChars } from './text-char-reader.js';
import { buildVocabulary } from './vocabulary.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dataRoot = resolve(process.env.BAYESRNN_DATA ?? join(repoRoot, '..', 'shared', 'data'));
const inCi = Boolean(process.env.CI);
const skip = (subdirectory: string): boolean => !inCi && !existsSync(join(dataRoot, subdirectory));

describe.skipIf(skip('ptb'))(`PTB word level (${join(dataRoot, 'ptb')})`, () => {
  // Loaded once, on first use inside a test, so missing data fails every test (not just a hook).
  let loading: Promise<PtbCorpus> | undefined;
  const load = (): Promise<PtbCorpus> =>
    (loading ??= loadPtbCorpus(join(dataRoot, 'ptb'), { strict: true }));

  it('has 929,589 / 73,760 / 82,430 tokens with <eos> per line', async () => {
    const corpus = await load();
    expect(corpus.train.length).toBe(929_589);
    expect(corpus.valid.length).toBe(73_760);
    expect(corpus.test.length).toBe(82_430);
  });

  it('has a 10,000-token vocabulary and no unknown tokens in valid or test', async () => {
    const corpus = await load();
    expect(corpus.vocabulary.size).toBe(10_000);
    expect(corpus.vocabulary.unkId).toBe(0);
    expect(corpus.vocabulary.eosId).toBe(1);
    expect(corpus.unknownTokens).toEqual({ train: 0, valid: 0, test: 0 });
    expect(corpus.files.train).toMatch(/ptb\.train\.txt(\.gz)?$/);
  });

  it('starts train and valid with the sentences of the files', async () => {
    const corpus = await load();
    const words = (ids: Int32Array, count: number): string[] =>
      [...ids.subarray(0, count)].map((id) => corpus.vocabulary.token(id));
    expect(words(corpus.valid, 5)).toEqual(['consumers', 'may', 'want', 'to', 'move']);
    expect(corpus.valid[14]).toBe(corpus.vocabulary.eosId); // 14 words on the first line
  });

  it('gives 1,327 windows of 20 × 35 per epoch', async () => {
    const corpus = await load();
    expect(createTbpttBatches(corpus.train, { batchSize: 20, steps: 35 }).windowsPerEpoch).toBe(
      1327,
    );
  });

  it('makes the §1.8 subset: first 100k train tokens, 2,000 words', async () => {
    const corpus = await load();
    const subset = await loadPtbCorpus(join(dataRoot, 'ptb'), {
      trainTokens: 100_000,
      maxVocabulary: 2000,
      validTokens: 20_000,
    });
    expect(subset.train.length).toBe(100_000);
    expect(subset.valid.length).toBe(20_000);
    expect(subset.test.length).toBe(82_430);
    expect(subset.vocabulary.size).toBe(2000);
    expect(subset.unknownTokens.valid).toBeGreaterThan(0);
    expect([...subset.train.subarray(0, 100)]).toEqual(
      [...corpus.train.subarray(0, 100)].map((id) =>
        subset.vocabulary.id(corpus.vocabulary.token(id)),
      ),
    );
  });
});

describe.skipIf(skip('ptb_char'))('PTB character level', () => {
  it('reads valid and test: characters plus one <eos> per line', async () => {
    const valid = await readPtbChars(join(dataRoot, 'ptb_char', 'ptb.char.valid.txt'));
    const test = await readPtbChars(join(dataRoot, 'ptb_char', 'ptb.char.test.txt'));
    expect(valid.tokens.length).toBe(389_672 + 3370);
    expect(test.tokens.length).toBe(438_662 + 3761);
    const vocabulary = buildVocabulary(valid.tokens);
    expect(vocabulary.size).toBe(49 + 2); // 49 symbols (SOURCES.md §2), <unk>, <eos>
    expect(valid.tokens.slice(0, 10).join('')).toBe('consumers_');
  });
});

describe.skipIf(skip('tinyshakespeare'))('tinyshakespeare', () => {
  it('has 1,115,394 characters, 65 distinct', async () => {
    const text = await readTextChars(join(dataRoot, 'tinyshakespeare', 'input.txt'));
    expect(text.tokens.length).toBe(1_115_394);
    const vocabulary = buildVocabulary(text.tokens, { specials: [] });
    expect(vocabulary.size).toBe(65);
    expect(text.lineStarts.length).toBe(40_000);
    const ids = encodeTokens(text.tokens, vocabulary, { strict: true, source: text });
    expect(vocabulary.token(ids[0] ?? -1)).toBe('F');
  });
});

describe.skipIf(skip('warpeace'))('War and Peace', () => {
  it('drops the BOM and CRs: 3,196,212 characters, 82 distinct', async () => {
    const text = await readTextChars(join(dataRoot, 'warpeace', 'warpeace_input.txt.gz'));
    expect(text.tokens.length).toBe(3_196_212);
    expect(new Set(text.tokens).size).toBe(82);
    expect(text.tokens.includes('\r')).toBe(false);
    expect(text.tokens.slice(0, 6).join('')).toBe('"Well,');
    expect(text.tokens.slice(-10).join('')).toBe('conscious.');
  });
});
