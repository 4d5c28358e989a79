import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createVocabulary } from '@bayesrnn/data';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateCorpus } from './data-location.js';
import { textCodec } from './text-codec.js';
import { charRnnSplitSizes, loadWarPeace, WARPEACE_FILE } from './warpeace-corpus.js';

// Reading and splitting the corpus makes no tensors; this keeps it so.
checkLeaksAfterEachTest();

/** 10 lines of 10 characters with CRLF endings: 120 characters, 12 batches of 10. */
const TEXT = Array.from({ length: 10 }, (_, i) => `line ${i} abc\r\n`).join('');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-warpeace-'));
  await writeFile(join(dir, WARPEACE_FILE), gzipSync(Buffer.from(TEXT)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('charRnnSplitSizes', () => {
  it("gives War and Peace the paper's 260 / 32 / 33 batches of 100 × 100", () => {
    // 3,258,226 characters (CRLF kept, BOM dropped): 325 whole batches.
    expect(charRnnSplitSizes(3_258_226, 10_000)).toEqual({
      train: 2_600_000,
      valid: 320_000,
      test: 330_000,
    });
  });

  it('refuses a text too short for a validation batch', () => {
    expect(() => charRnnSplitSizes(95, 10)).toThrow(/9 batches of 10: too few/);
  });
});

describe('loadWarPeace', () => {
  it('keeps CRLF, orders characters by frequency and splits contiguously', async () => {
    const corpus = await loadWarPeace(dir, 10);
    const decode = (ids: Int32Array) =>
      Array.from(ids, (id) => corpus.vocabulary.token(id)).join('');
    // 12 batches: floor(9.6) = 9 for train, floor(1.2) = 1 for valid, the other 2 for test.
    expect([corpus.train.length, corpus.valid.length, corpus.test.length]).toEqual([90, 10, 20]);
    expect(decode(corpus.train) + decode(corpus.valid) + decode(corpus.test)).toBe(TEXT);
    expect(corpus.vocabulary.has('\r')).toBe(true);
    // ' ' appears twice per line, more than any other character.
    expect(corpus.vocabulary.token(0)).toBe(' ');
    expect(corpus.vocabulary.unkId).toBeUndefined();
  });

  it("encodes with a run's vocabulary strictly, naming the file and line", async () => {
    const noNine = createVocabulary([...new Set(TEXT)].filter((char) => char !== '9'));
    await expect(loadWarPeace(dir, 10, noNine)).rejects.toThrow(`${WARPEACE_FILE}:10: token '9'`);
  });
});

describe('locateCorpus', () => {
  it('finds the War and Peace folder from --data and $BAYESRNN_DATA/warpeace', () => {
    expect(locateCorpus('warpeace', dir, {})).toBe(dir);
    expect(() => locateCorpus('ptb', dir, {})).toThrow('Penn Treebank not found');
  });
});

describe('textCodec', () => {
  it('samples characters after a line break and prints them as plain lines', () => {
    const vocabulary = createVocabulary(['a', 'b', '\r', '\n']);
    const codec = textCodec('warpeace', vocabulary);
    expect(Array.from(codec.encodePrompt('ab'))).toEqual([3, 0, 1]);
    expect(codec.render('ab', Int32Array.from([2, 3, 1]))).toBe('ab\nb');
  });

  it('samples PTB words after <eos> and prints <eos> as a line break', () => {
    const vocabulary = createVocabulary(['<unk>', '<eos>', 'the', 'cat']);
    const codec = textCodec(undefined, vocabulary);
    expect(Array.from(codec.encodePrompt(' the  cat '))).toEqual([1, 2, 3]);
    expect(codec.render('the', Int32Array.from([3, 1, 2]))).toBe('the cat\nthe');
  });
});
