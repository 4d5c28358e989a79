import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from './__fixtures__/temp-files.js';
import { readPtbWords, tokenizePtbWords } from './ptb-word-reader.js';

const { put } = useTempFiles('bayesrnn-readers-');

const PTB_SAMPLE = ' the cat sat \n <unk> ran N miles \n';

describe('PTB word reader', () => {
  it('splits on whitespace and appends <eos> to every line', () => {
    const text = tokenizePtbWords(PTB_SAMPLE, 'sample.txt');
    expect(text.tokens).toEqual([
      'the',
      'cat',
      'sat',
      '<eos>',
      '<unk>',
      'ran',
      'N',
      'miles',
      '<eos>',
    ]);
    expect([...text.lineStarts]).toEqual([0, 4]);
    expect(text.path).toBe('sample.txt');
  });

  it('reads a blank line inside the file as an empty sentence, but not trailing whitespace', () => {
    const text = tokenizePtbWords('a b\n\n c\n \n\n', 'blank.txt');
    expect(text.tokens).toEqual(['a', 'b', '<eos>', '<eos>', 'c', '<eos>']);
    expect([...text.lineStarts]).toEqual([0, 3, 4]);
  });

  it('reads a last line without a newline, tabs and CRLF like the rest', () => {
    expect(tokenizePtbWords('a\tb\r\nc', 'crlf.txt').tokens).toEqual([
      'a',
      'b',
      '<eos>',
      'c',
      '<eos>',
    ]);
  });

  it('reads plain and gzipped files to the same tokens', async () => {
    const plain = await readPtbWords(await put('ptb.valid.txt', PTB_SAMPLE));
    const gzipped = await readPtbWords(await put('ptb.train.txt.gz', gzipSync(PTB_SAMPLE)));
    expect(gzipped.tokens).toEqual(plain.tokens);
    expect(plain.tokens).toHaveLength(9);
  });

  it('refuses a file with only whitespace as empty', async () => {
    const path = await put('blank.txt', ' \n\n \t\n');
    await expect(readPtbWords(path)).rejects.toMatchObject({ code: 'empty', path });
    await expect(readPtbWords(path)).rejects.toThrow(
      `${path}: no tokens (the file holds only whitespace)`,
    );
  });
});
