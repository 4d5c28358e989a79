import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file every bench checkout has at its root's `pytorch/`. */
const MARKER = join('pytorch', 'lm_step.py');

/** The bench workspace folder, found upwards from this module (src/ under vitest, dist/ when built). */
export function benchRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, MARKER))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: ${MARKER} not found above ${from}`);
    dir = parent;
  }
}

/** `bench/pytorch/lm_step.py`. */
export function pytorchScript(): string {
  return join(benchRoot(), MARKER);
}
