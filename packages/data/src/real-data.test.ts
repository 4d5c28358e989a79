// Integration tests on the real corpora in shared/data (see shared/data/SOURCES.md §1, §2, §4,
// §3, §5). The data directory is $BAYESRNN_DATA, else ../shared/data beside the repository root
// (__fixtures__/real-data-root.ts). Outside CI they are skipped when the data is absent; in CI
// (process.env.CI set) they run and fail, because a CI run that silently skipped them would
// prove nothing.
import { join } from 'node:path';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { dataRoot, skipWithoutData as skip } from './__fixtures__/real-data-root.js';
import { encodeTokens } from './encode-tokens.js';
import { readPtbChars } from './ptb-char-reader.js';
import { loadPtbCorpus, type PtbCorpus } from './ptb-corpus.js';
import {
  readSentenceClassification,
  type SentenceDatasetName,
} from './sentence-classification/read-sentence-classification.js';
import { createTbpttBatches } from './tbptt-batches.js';
import { readTextChars } from './text-char-reader.js';
import { buildVocabulary } from './vocabulary.js';

// Tensor-free today; the check keeps it so if the code under test starts making tensors.
checkLeaksAfterEachTest();

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

describe.skipIf(skip('sentence_classification'))('sentence classification (Kim 2014 sets)', () => {
  const read = (name: SentenceDatasetName) =>
    readSentenceClassification(join(dataRoot, 'sentence_classification'), name);
  const countLabels = (sentences: readonly { label: number }[], classes: number): number[] =>
    sentences.reduce((counts, { label }) => {
      counts[label] = (counts[label] ?? 0) + 1;
      return counts;
    }, new Array<number>(classes).fill(0));

  it.each([
    ['MR', 5331, 5331],
    ['CR', 1368, 2407],
    ['SUBJ', 5000, 5000],
    ['MPQA', 7294, 3312],
  ] as const)(
    '%s has %i + %i examples, negative first, no official split',
    async (name, negative, positive) => {
      const dataset = await read(name);
      expect(dataset.train.length).toBe(negative + positive);
      expect(countLabels(dataset.train, 2)).toEqual([negative, positive]);
      expect(dataset.train[negative - 1]?.label).toBe(0);
      expect(dataset.train[negative]?.label).toBe(1);
      expect(dataset.dev).toBeUndefined();
      expect(dataset.test).toBeUndefined();
    },
  );

  it('MR starts each file with its first line, tokenised as Kim did', async () => {
    const { train } = await read('MR');
    expect(train[0]?.tokens.join(' ')).toBe('simplistic , silly and tedious');
    expect(train[5331]?.tokens.slice(0, 10).join(' ')).toBe(
      "the rock is destined to be the 21st century 's",
    );
  });

  it('TREC has 5,452 / 500 questions in the six coarse classes, case kept', async () => {
    const trec = await read('TREC');
    expect(trec.classes).toEqual(['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM']);
    expect(trec.train.length).toBe(5452);
    expect(trec.test?.length).toBe(500);
    expect(countLabels(trec.train, 6)).toEqual([86, 1162, 1250, 1223, 835, 896]);
    expect(countLabels(trec.test ?? [], 6)).toEqual([9, 138, 94, 65, 81, 113]);
    expect(trec.train[0]?.tokens.join(' ')).toBe(
      'How did serfdom develop in and then leave Russia ?',
    );
  });

  it('SST-2 has 6,920 / 872 / 1,821 and SST-1 8,544 / 1,101 / 2,210 sentences', async () => {
    const binary = await read('SST-2');
    expect([binary.train.length, binary.dev?.length, binary.test?.length]).toEqual([
      6920, 872, 1821,
    ]);
    expect(countLabels(binary.train, 2)).toEqual([3310, 3610]);
    const fine = await read('SST-1');
    expect([fine.train.length, fine.dev?.length, fine.test?.length]).toEqual([8544, 1101, 2210]);
    expect(fine.classes).toHaveLength(5);
  });
});
