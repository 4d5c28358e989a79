import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapturedRun, captureOutput } from '@bayesrnn/testing';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../main.js';

/** Runs one `bayesrnn-lm` command line, capturing what it prints. */
export function run(argv: string[]): Promise<CapturedRun> {
  return captureOutput(() => main(argv));
}

/** A small PTB-format corpus: a few sentence patterns, repeated, so a model can learn it. */
async function writeCorpus(dir: string): Promise<void> {
  const sentences = [
    'the cat sat on the mat',
    'a dog ran in the park',
    'the bird sang on the tree',
    'a fish swam in the sea',
  ];
  const lines = (count: number, offset: number) =>
    Array.from({ length: count }, (_, i) => ` ${sentences[(i + offset) % sentences.length]} `).join(
      '\n',
    );
  await writeFile(join(dir, 'ptb.train.txt'), `${lines(400, 0)}\n`);
  await writeFile(join(dir, 'ptb.valid.txt'), `${lines(40, 1)}\n`);
  await writeFile(join(dir, 'ptb.test.txt'), `${lines(40, 2)}\n`);
}

/**
 * A temporary folder holding the small corpus for the calling test file's tests, made before
 * them and removed after; read `.path` inside a test.
 */
export function useCorpusFolder(): { readonly path: string } {
  const folder = { path: '' };
  beforeAll(async () => {
    folder.path = await mkdtemp(join(tmpdir(), 'bayesrnn-lm-'));
    await writeCorpus(folder.path);
  });
  afterAll(async () => {
    await rm(folder.path, { recursive: true, force: true });
  });
  return folder;
}
