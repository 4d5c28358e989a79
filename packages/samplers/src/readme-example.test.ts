// Runs the TypeScript block of README.md as written (only the backend line is pinned to the
// test's backend and the package import points at the sources), so the README cannot rot.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it, vi } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(packageDir, `.readme-example-${process.pid}.ts`);

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(script, { force: true });
});

it('the README example samples N(μ, Σ)', async () => {
  const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toContain("from '@bayesrnn/samplers'");
  const source = (block ?? '')
    .replace(
      "from '@bayesrnn/samplers'",
      `from ${JSON.stringify(join(packageDir, 'src/index.ts'))}`,
    )
    .replace(
      'await selectBackend();',
      `await selectBackend({ name: ${JSON.stringify(tf.getBackend())}, log: () => {} });`,
    );
  await writeFile(script, source);
  const printed: unknown[] = [];
  vi.spyOn(console, 'log').mockImplementation((value: unknown) => void printed.push(value));
  const before = tf.memory().numTensors;
  await import(/* @vite-ignore */ script);
  expect(tf.memory().numTensors).toBe(before);
  const [mean, covariance] = printed as [number[], number[][]];
  // 1000 chains: MC error ≈ 0.03 (means), ≈ 0.045 (covariances); tolerance 0.15.
  [1, -1].forEach((m, i) => {
    expect(Math.abs((mean[i] ?? Number.NaN) - m)).toBeLessThan(0.15);
  });
  [1, 0.8, 0.8, 1].forEach((c, i) => {
    expect(Math.abs((covariance.flat()[i] ?? Number.NaN) - c)).toBeLessThan(0.15);
  });
});
