import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { countUnknownTokens, encodeTokens } from './encode-tokens.js';
import { readPtbWords } from './ptb-word-reader.js';
import { createVocabulary } from './vocabulary.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-encode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vocabulary = createVocabulary(['<unk>', '<eos>', 'the', 'cat']);

describe('encodeTokens', () => {
  it('maps tokens to ids, unknown ones to <unk>', () => {
    const ids = encodeTokens(['the', 'dog', 'cat', '<eos>', '<unk>'], vocabulary);
    expect(ids).toBeInstanceOf(Int32Array);
    expect([...ids]).toEqual([2, 0, 3, 1, 0]);
  });

  it('in strict mode names the file and line of the first unknown token', async () => {
    const lines = Array.from({ length: 20 }, (_, index) =>
      index === 16 ? ' the foo ' : ' the cat ',
    );
    const path = join(dir, 'ptb.valid.txt');
    await writeFile(path, `${lines.join('\n')}\n`);
    const text = await readPtbWords(path);
    const encode = (): Int32Array =>
      encodeTokens(text.tokens, vocabulary, { strict: true, source: text });
    expect(encode).toThrow(DataError);
    expect(encode).toThrow(`${path}:17: token 'foo' is not in the vocabulary (strict)`);
    expect(() => encode()).toThrow(expect.objectContaining({ code: 'vocabulary', line: 17, path }));
    // Not strict: the same text encodes, foo → <unk>.
    expect(encodeTokens(text.tokens, vocabulary, { source: text })[16 * 3 + 1]).toBe(0);
  });

  it('names only the file when lines are unknown, and "<tokens>" with no source', () => {
    expect(() =>
      encodeTokens(['dog'], vocabulary, { strict: true, source: { path: 'list.txt' } }),
    ).toThrow("list.txt: token 'dog' is not in the vocabulary (strict)");
    expect(() => encodeTokens(['dog'], vocabulary, { strict: true })).toThrow(
      "<tokens>: token 'dog' is not in the vocabulary (strict)",
    );
  });

  it('refuses an unknown token when the vocabulary has no <unk>, even when not strict', () => {
    const chars = createVocabulary(['a', 'b']);
    expect([...encodeTokens(['a', 'b', 'a'], chars)]).toEqual([0, 1, 0]);
    expect(() => encodeTokens(['a', 'c'], chars)).toThrow(
      "<tokens>: token 'c' is not in the vocabulary (and it has no <unk>)",
    );
  });
});

describe('countUnknownTokens', () => {
  it('counts tokens outside the vocabulary, not the literal <unk>', () => {
    expect(countUnknownTokens(['the', '<unk>', 'dog', 'dog', 'cat'], vocabulary)).toBe(2);
    expect(countUnknownTokens([], vocabulary)).toBe(0);
  });
});
