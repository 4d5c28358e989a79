import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPtbFile, loadPtbCorpus } from './ptb-corpus.js';
import { createVocabulary } from './vocabulary.js';

// train counts: the 4, cat 2, sat 2, <eos> 3, a 1, dog 1, ran 1 (first seen: the cat sat a dog ran)
const TRAIN = ' the cat sat \n the dog ran \n the cat sat the a \n';
const VALID = ' the cat \n a bird \n';
const TEST = ' the dog sat \n';

let root = '';
let dir = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bayesrnn-ptb-'));
  dir = join(root, 'ptb');
  await mkdir(dir);
  await writeFile(join(dir, 'ptb.train.txt.gz'), gzipSync(TRAIN));
  await writeFile(join(dir, 'ptb.valid.txt'), VALID);
  await writeFile(join(dir, 'ptb.test.txt'), TEST);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadPtbCorpus', () => {
  it('builds the vocabulary from train and encodes the three splits', async () => {
    const corpus = await loadPtbCorpus(dir);
    expect(corpus.vocabulary.tokens).toEqual([
      '<unk>',
      '<eos>',
      'the',
      'cat',
      'sat',
      'dog',
      'ran',
      'a',
    ]);
    expect([...corpus.train]).toEqual([2, 3, 4, 1, 2, 5, 6, 1, 2, 3, 4, 2, 7, 1]);
    expect([...corpus.valid]).toEqual([2, 3, 1, 7, 0, 1]); // bird → <unk>
    expect([...corpus.test]).toEqual([2, 5, 4, 1]);
    expect(corpus.files).toEqual({
      train: join(dir, 'ptb.train.txt.gz'),
      valid: join(dir, 'ptb.valid.txt'),
      test: join(dir, 'ptb.test.txt'),
    });
    expect(corpus.unknownTokens).toEqual({ train: 0, valid: 1, test: 0 });
  });

  it('caps the vocabulary and the train and valid tokens (the §1.8 subset)', async () => {
    const corpus = await loadPtbCorpus(dir, { maxVocabulary: 4, trainTokens: 8, validTokens: 3 });
    // First 8 train tokens: the cat sat <eos> the dog ran <eos>: counts the 2, <eos>, cat 1 …
    expect(corpus.vocabulary.tokens).toEqual(['<unk>', '<eos>', 'the', 'cat']);
    expect([...corpus.train]).toEqual([2, 3, 0, 1, 2, 0, 0, 1]);
    expect([...corpus.valid]).toEqual([2, 3, 1]);
    expect(corpus.unknownTokens).toEqual({ train: 3, valid: 0, test: 2 });
  });

  it('in strict mode names the file and line of a token outside the vocabulary', async () => {
    await expect(loadPtbCorpus(dir, { strict: true })).rejects.toThrow(
      `${join(dir, 'ptb.valid.txt')}:2: token 'bird' is not in the vocabulary (strict)`,
    );
  });

  it('uses a given vocabulary, and refuses it together with maxVocabulary', async () => {
    const vocabulary = createVocabulary(['<unk>', '<eos>', 'the']);
    const corpus = await loadPtbCorpus(dir, { vocabulary });
    expect(corpus.vocabulary).toBe(vocabulary);
    expect([...corpus.test]).toEqual([2, 0, 0, 1]);
    await expect(loadPtbCorpus(dir, { vocabulary, maxVocabulary: 3 })).rejects.toThrow(
      'give either vocabulary or maxVocabulary, not both',
    );
  });

  it('reads explicitly named files', async () => {
    await writeFile(join(root, 'other-test.txt'), ' cat \n');
    const corpus = await loadPtbCorpus(dir, { files: { test: '../other-test.txt' } });
    expect(corpus.files.test).toBe(join(root, 'other-test.txt'));
    expect([...corpus.test]).toEqual([3, 1]);
  });
});

describe('findPtbFile', () => {
  it('prefers the plain file to the .gz one', async () => {
    const both = join(root, 'both');
    await mkdir(both);
    await writeFile(join(both, 'ptb.train.txt'), TRAIN);
    await writeFile(join(both, 'ptb.train.txt.gz'), gzipSync(TRAIN));
    expect(await findPtbFile(both, 'train')).toBe(join(both, 'ptb.train.txt'));
    expect(await findPtbFile(dir, 'train')).toBe(join(dir, 'ptb.train.txt.gz'));
  });

  it('lists the names it looked for and how to point at the data', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    await expect(loadPtbCorpus(empty)).rejects.toThrow(
      `No PTB train file in ${empty}: looked for ptb.train.txt, ptb.train.txt.gz; pass the data directory with --data or set $BAYESRNN_DATA (see shared/data/SOURCES.md)`,
    );
    await expect(findPtbFile(empty, 'valid')).rejects.toMatchObject({
      code: 'missing',
      path: join(empty, 'ptb.valid.txt'),
    });
  });

  it('says when the directory itself does not exist, and names an explicit file', async () => {
    const nowhere = join(root, 'nowhere');
    await expect(findPtbFile(nowhere, 'test')).rejects.toThrow(
      `No PTB test file (directory ${nowhere} does not exist): looked for ptb.test.txt, ptb.test.txt.gz`,
    );
    await expect(findPtbFile(dir, 'test', 'my-test.txt')).rejects.toThrow(
      `No PTB test file in ${dir}: looked for my-test.txt`,
    );
  });

  it('passes a reader error through, naming the file', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'ptb.train.txt'), TRAIN);
    await writeFile(join(bad, 'ptb.valid.txt'), '');
    await writeFile(join(bad, 'ptb.test.txt.gz'), gzipSync(TEST).subarray(0, 12));
    // Both valid and test are bad: the first in split order is reported, every time.
    await expect(loadPtbCorpus(bad)).rejects.toThrow(
      `${join(bad, 'ptb.valid.txt')}: the file is empty`,
    );
    await writeFile(join(bad, 'ptb.valid.txt'), VALID);
    await expect(loadPtbCorpus(bad)).rejects.toThrow(
      `${join(bad, 'ptb.test.txt.gz')}: corrupt gzip data`,
    );
  });
});
