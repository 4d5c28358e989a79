import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@bayesrnn/core';
import { DataError, isNotFoundError } from './data-error.js';
import { createVocabulary, type Vocabulary } from './vocabulary.js';

/** The `format` tag of a vocabulary file. */
export const VOCABULARY_FORMAT = 'bayesrnn-vocabulary';
/** The newest vocabulary file version this package reads and the one it writes. */
export const VOCABULARY_FORMAT_VERSION = 1;

/**
 * Writes `vocabulary` as a small JSON file
 * `{"format": "bayesrnn-vocabulary", "version": 1, "size": n, "tokens": [...]}` (tokens in
 * id order). The write is atomic (core's `writeFileAtomic`): a reader sees the old file or
 * the new one, never half of it. Missing parent directories are created.
 */
export async function saveVocabulary(path: string, vocabulary: Vocabulary): Promise<void> {
  const body = {
    format: VOCABULARY_FORMAT,
    version: VOCABULARY_FORMAT_VERSION,
    size: vocabulary.size,
    tokens: vocabulary.tokens,
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(body)}\n`);
}

async function readVocabularyText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
    throw new DataError('missing', path, `Vocabulary file ${path}: no such file`, {
      cause: error,
    });
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DataError('format', path, `Vocabulary file ${path}: not valid JSON (${why})`, {
      cause: error,
    });
  }
}

/** Checks the tag, version and token list; returns the tokens in id order. */
function parseVocabularyBody(path: string, raw: unknown): readonly string[] {
  const bad = (why: string): DataError =>
    new DataError('format', path, `Vocabulary file ${path}: ${why}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not an object');
  const { format, version, size, tokens } = raw as Readonly<Record<string, unknown>>;
  if (format !== VOCABULARY_FORMAT) {
    throw bad(`format is ${JSON.stringify(format)}, expected "${VOCABULARY_FORMAT}"`);
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw bad(`invalid version ${JSON.stringify(version)}`);
  }
  if (version > VOCABULARY_FORMAT_VERSION) {
    throw new DataError(
      'version',
      path,
      `Vocabulary file ${path}: version ${version} is newer than this @bayesrnn/data reads (${VOCABULARY_FORMAT_VERSION}); upgrade it`,
    );
  }
  if (!Array.isArray(tokens) || tokens.length === 0) throw bad('tokens is not a non-empty list');
  const wrong = tokens.findIndex((token) => typeof token !== 'string');
  if (wrong !== -1) throw bad(`tokens[${wrong}] is not a string`);
  if (size !== undefined && size !== tokens.length) {
    throw bad(`size is ${JSON.stringify(size)} but ${tokens.length} tokens are listed`);
  }
  const seen = new Set<string>();
  for (const token of tokens as string[]) {
    if (seen.has(token)) throw bad(`token ${JSON.stringify(token)} is listed twice`);
    seen.add(token);
  }
  return tokens as string[];
}

/**
 * Reads a vocabulary written by {@link saveVocabulary}; ids are the positions in the file.
 *
 * @throws {DataError} `'missing'`, `'format'` (not JSON, wrong tag, bad or duplicate tokens,
 *   size mismatch) or `'version'` (written by a newer version), naming the file.
 */
export async function loadVocabulary(path: string): Promise<Vocabulary> {
  const raw = parseJson(path, await readVocabularyText(path));
  return createVocabulary(parseVocabularyBody(path, raw));
}
