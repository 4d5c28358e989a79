import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { buildVocabulary } from './vocabulary.js';
import { loadVocabulary, saveVocabulary, VOCABULARY_FORMAT } from './vocabulary-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-vocabulary-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJson(name: string, body: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

describe('saveVocabulary / loadVocabulary', () => {
  it('round-trips tokens, ids and specials, creating missing directories', async () => {
    const vocabulary = buildVocabulary(['b', 'a', 'b', 'é', '"quoted"', '\n']);
    const path = join(dir, 'nested', 'deeper', 'vocabulary.json');
    await saveVocabulary(path, vocabulary);
    const loaded = await loadVocabulary(path);
    expect(loaded.tokens).toEqual(vocabulary.tokens);
    expect(loaded.unkId).toBe(0);
    expect(loaded.eosId).toBe(1);
    expect(loaded.id('é')).toBe(vocabulary.id('é'));
  });

  it('writes a small tagged JSON file and leaves no temp file behind', async () => {
    const path = join(dir, 'tagged.json');
    await saveVocabulary(path, buildVocabulary(['x']));
    const body = JSON.parse(await readFile(path, 'utf8'));
    expect(body).toEqual({
      format: VOCABULARY_FORMAT,
      version: 1,
      size: 3,
      tokens: ['<unk>', '<eos>', 'x'],
    });
    expect((await readdir(dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'replaced.json');
    await saveVocabulary(path, buildVocabulary(['x']));
    await saveVocabulary(path, buildVocabulary(['y', 'z']));
    expect((await loadVocabulary(path)).tokens).toEqual(['<unk>', '<eos>', 'y', 'z']);
  });
});

describe('loadVocabulary errors', () => {
  const good = { format: VOCABULARY_FORMAT, version: 1, tokens: ['<unk>', 'a'] };

  it('names a missing file', async () => {
    const path = join(dir, 'absent.json');
    await expect(loadVocabulary(path)).rejects.toThrow(`Vocabulary file ${path}: no such file`);
    await expect(loadVocabulary(path)).rejects.toMatchObject({ code: 'missing', path });
  });

  it.each([
    ['not-json.json', '{"format": ', 'not valid JSON'],
    ['array.json', [], 'not an object'],
    ['tag.json', { ...good, format: 'other' }, 'format is "other", expected "bayesrnn-vocabulary"'],
    ['bad-version.json', { ...good, version: 'one' }, 'invalid version "one"'],
    ['no-tokens.json', { ...good, tokens: [] }, 'tokens is not a non-empty list'],
    ['non-string.json', { ...good, tokens: ['a', 3] }, 'tokens[1] is not a string'],
    ['size.json', { ...good, size: 5 }, 'size is 5 but 2 tokens are listed'],
    ['duplicate.json', { ...good, tokens: ['a', 'b', 'a'] }, 'token "a" is listed twice'],
  ])('refuses %s as a format error', async (name, body, message) => {
    const path = await writeJson(name, body);
    const error = await loadVocabulary(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'format', path });
    expect((error as DataError).message).toContain(`Vocabulary file ${path}: ${message}`);
  });

  it('refuses a file from a newer version, saying to upgrade', async () => {
    const path = await writeJson('newer.json', { ...good, version: 2 });
    await expect(loadVocabulary(path)).rejects.toMatchObject({ code: 'version' });
    await expect(loadVocabulary(path)).rejects.toThrow(
      'version 2 is newer than this @bayesrnn/data reads (1); upgrade it',
    );
  });
});
