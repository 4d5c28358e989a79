import { fork } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './load-checkpoint.js';
import { type SavePhase, saveCheckpoint } from './save-checkpoint.js';

/*
 * A save killed part-way must leave the previous checkpoint loadable. The strongest test is a
 * real kill: a child process runs saveCheckpoint (this package's TypeScript, compiled on load
 * with the `typescript` compiler through a Node module hook), stops at a phase, reports it,
 * and is SIGKILLed there, so nothing after that point (no cleanup, no `finally`) runs.
 */

const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));
const saveModuleUrl = new URL('./save-checkpoint.ts', import.meta.url).href;

/** Module hooks: compile `.ts` files, and map `./x.js` imports to `./x.ts` as tsc does. */
const hooksSource = `
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
const ts = createRequire(${JSON.stringify(packageJson)})('typescript');
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!specifier.endsWith('.js') || !context.parentURL?.endsWith('.ts')) throw error;
    return next(specifier.slice(0, -3) + '.ts', context);
  }
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
`;

/** The child: saves `{ weights: [value, value, value] }` and freezes at `stopAt`. */
const childSource = (hooksUrl: string): string => `
import { createRequire, register } from 'node:module';
register(${JSON.stringify(hooksUrl)});
const [dir, stopAt, value] = process.argv.slice(2);
const require = createRequire(${JSON.stringify(packageJson)});
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu');
const { saveCheckpoint } = await import(${JSON.stringify(saveModuleUrl)});
setInterval(() => {}, 1000); // stay alive while frozen
const weights = tf.fill([3], Number(value));
await saveCheckpoint(dir, { weights }, { step: Number(value) }, {
  onPhase: async (phase) => {
    if (phase !== stopAt) return;
    process.send?.('stopped');
    await new Promise(() => {}); // wait here for SIGKILL
  },
});
process.send?.('finished');
`;

let scripts = '';
let childScript = '';
beforeAll(async () => {
  scripts = await mkdtemp(join(tmpdir(), 'bayesrnn-crash-scripts-'));
  const hooksPath = join(scripts, 'ts-hooks.mjs');
  await writeFile(hooksPath, hooksSource);
  childScript = join(scripts, 'child-save.mjs');
  await writeFile(childScript, childSource(pathToFileURL(hooksPath).href));
});
afterAll(async () => {
  await rm(scripts, { recursive: true, force: true });
});

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a save of `value` in a child process and SIGKILLs it when it reaches `phase`. */
function killSaveAt(phase: SavePhase, value: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(childScript, [dir, phase, String(value)], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('message', (message) => {
      if (message === 'stopped') child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited (${code}) without stopping at ${phase}:\n${stderr}`));
    });
  });
}

async function saveWeights(value: number): Promise<string> {
  const weights = tf.fill([3], value);
  const { dataFile } = await saveCheckpoint(dir, { weights }, { step: value });
  weights.dispose();
  return dataFile;
}

async function expectCheckpointHolds(value: number): Promise<void> {
  const { tensors, metadata } = await loadCheckpoint(dir, { expect: { weights: { shape: [3] } } });
  expect(metadata).toEqual({ step: value });
  expect(await tensors.weights?.array()).toEqual([value, value, value]);
  tf.dispose(Object.values(tensors));
}

describe('a save killed part-way (real SIGKILL of a child process)', () => {
  it.each([
    ['data-written', [/^tensors-[0-9a-f]{16}\.bin$/]],
    ['manifest-staged', [/^manifest\.json\.tmp-[0-9a-f]{16}$/, /^tensors-[0-9a-f]{16}\.bin$/]],
  ] as const)(
    'at %s leaves the previous checkpoint loadable; the next save sweeps up',
    async (phase, leftovers) => {
      const oldDataFile = await saveWeights(1);
      await killSaveAt(phase, 2);

      const files = (await readdir(dir)).filter(
        (name) => name !== 'manifest.json' && name !== oldDataFile,
      );
      // The killed save's files are still there (nothing cleaned up after the kill).
      expect(files.sort()).toEqual(leftovers.map((pattern) => expect.stringMatching(pattern)));
      await expectCheckpointHolds(1);

      const newDataFile = await saveWeights(3);
      expect((await readdir(dir)).sort()).toEqual(['manifest.json', newDataFile].sort());
      await expectCheckpointHolds(3);
    },
  );

  it('right after the commit leaves the new checkpoint loadable', async () => {
    const oldDataFile = await saveWeights(1);
    await killSaveAt('committed', 2);
    await expectCheckpointHolds(2);
    // The superseded data file was not swept yet; the next save does it.
    expect(await readdir(dir)).toContain(oldDataFile);
    const newDataFile = await saveWeights(3);
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', newDataFile].sort());
  });

  it('into a fresh directory leaves no checkpoint, and a later save works', async () => {
    await killSaveAt('manifest-staged', 2);
    await expect(loadCheckpoint(dir)).rejects.toMatchObject({ code: 'missing' });
    await saveWeights(3);
    await expectCheckpointHolds(3);
  });
});

describe('a save that fails part-way (in process)', () => {
  it.each(['data-written', 'manifest-staged'] as const)(
    'at %s rejects, keeps the previous checkpoint and removes its own files',
    async (phase) => {
      const oldDataFile = await saveWeights(1);
      const weights = tf.fill([3], 2);
      const failing = saveCheckpoint(
        dir,
        { weights },
        { step: 2 },
        {
          onPhase: (reached) => {
            if (reached === phase) throw new Error(`disk full at ${reached}`);
          },
        },
      );
      await expect(failing).rejects.toThrow(`disk full at ${phase}`);
      weights.dispose();
      expect((await readdir(dir)).sort()).toEqual(['manifest.json', oldDataFile].sort());
      await expectCheckpointHolds(1);
    },
  );
});
