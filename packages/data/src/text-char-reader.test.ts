import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from './__fixtures__/temp-files.js';
import { readTextChars, tokenizeTextChars } from './text-char-reader.js';

const { put } = useTempFiles('bayesrnn-readers-');

describe('raw text char reader', () => {
  it('makes one token per character, newlines included, with no <eos>', () => {
    const text = tokenizeTextChars('To be\nor', 'input.txt');
    expect(text.tokens).toEqual(['T', 'o', ' ', 'b', 'e', '\n', 'o', 'r']);
    expect([...text.lineStarts]).toEqual([0, 6]);
  });

  it('normalises CRLF and lone CR to \\n unless told not to', () => {
    expect(tokenizeTextChars('a\r\nb\rc', 'x').tokens).toEqual(['a', '\n', 'b', '\n', 'c']);
    expect(tokenizeTextChars('a\r\nb', 'x', { normalizeNewlines: false }).tokens).toEqual([
      'a',
      '\r',
      '\n',
      'b',
    ]);
  });

  it('keeps a surrogate pair as one character', () => {
    expect(tokenizeTextChars('a😀b', 'x').tokens).toEqual(['a', '😀', 'b']);
  });

  it('drops the BOM and CRs of a War-and-Peace-like gzipped file', async () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf]);
    const body = new TextEncoder().encode('"Well,\r\nPrince\r\n');
    const path = await put('warpeace_input.txt.gz', gzipSync(Buffer.concat([bom, body])));
    const text = await readTextChars(path);
    expect(text.tokens.join('')).toBe('"Well,\nPrince\n');
    expect([...text.lineStarts]).toEqual([0, 7]);
  });

  it('refuses a file holding only a BOM as empty', async () => {
    const path = await put('bom-only.txt', Uint8Array.from([0xef, 0xbb, 0xbf]));
    await expect(readTextChars(path)).rejects.toThrow(`${path}: no characters`);
  });
});
