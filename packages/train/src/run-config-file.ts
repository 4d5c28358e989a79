import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@bayesrnn/core';

/**
 * Refuses to resume a run with other settings than it was started with: compares `config`
 * with the JSON at `path` (the run's `config.json`), key by key, and throws naming every key
 * that differs. A missing file passes (the run has not started yet); the comparison is of the
 * JSON forms, so `undefined` fields count as absent.
 */
export async function checkSameRunConfig(path: string, config: object): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  const previous = JSON.parse(text) as Record<string, unknown>;
  const next = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  const differing = [...keys].filter(
    (key) => JSON.stringify(previous[key]) !== JSON.stringify(next[key]),
  );
  if (differing.length > 0) {
    throw new Error(
      `${path}: the run was started with other settings (${differing.join(', ')} differ); resume it with the same options, or train into a new --out`,
    );
  }
}

/**
 * Records a run's settings as `<outDir>/config.json` (created with its folder, written
 * atomically) and returns its path. With `resume`, first refuses settings that differ from the
 * recorded ones ({@link checkSameRunConfig}), so a resumed run cannot silently change course.
 */
export async function writeRunConfig(
  outDir: string,
  config: object,
  options: { readonly resume: boolean },
): Promise<string> {
  const path = join(outDir, 'config.json');
  if (options.resume) await checkSameRunConfig(path, config);
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
