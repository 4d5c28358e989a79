import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A temporary folder for one test file, made before its tests and removed after them.
 * `put(name, content)` writes a file there and returns its path.
 */
export function useTempFiles(prefix: string): {
  put(name: string, content: string | Uint8Array): Promise<string>;
  dir(): string;
} {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    put: async (name, content) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
  };
}
