import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from './__fixtures__/temp-files.js';
import { readPtbChars, tokenizePtbChars } from './ptb-char-reader.js';

const { put } = useTempFiles('bayesrnn-readers-');

describe('PTB char reader', () => {
  const sample = 'a _ c a t\n < u n k > _ N\n ';

  it('keeps every character, "_" included, and appends <eos> per line', () => {
    const text = tokenizePtbChars(sample, 'ptb.char.valid.txt');
    expect(text.tokens).toEqual([
      'a',
      '_',
      'c',
      'a',
      't',
      '<eos>',
      '<',
      'u',
      'n',
      'k',
      '>',
      '_',
      'N',
      '<eos>',
    ]);
    expect([...text.lineStarts]).toEqual([0, 6]);
  });

  it('accepts a character outside the BMP as one symbol', () => {
    expect(tokenizePtbChars('a 😀', 'emoji.txt').tokens).toEqual(['a', '😀', '<eos>']);
  });

  it('refuses a word-level file, naming the line', async () => {
    const path = await put('ptb.char.test.txt', 'a _ b\nc a t\n the cat\n');
    const error = readPtbChars(path);
    await expect(error).rejects.toMatchObject({ code: 'format', line: 3, path });
    await expect(readPtbChars(path)).rejects.toThrow(
      `${path}:3: symbol "the" is longer than one character; PTB-char files separate every character by a space (is this a word-level file?)`,
    );
  });

  it('reads gzipped files', async () => {
    const text = await readPtbChars(await put('ptb.char.train.txt.gz', gzipSync(sample)));
    expect(text.tokens).toHaveLength(14);
  });
});
