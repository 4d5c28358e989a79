import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * SHA-256 of a C kernel and the local headers it includes (`#include "x.h"`, resolved next to
 * it), concatenated in include order: what `scripts/build-wasm-kernel.sh` records in the
 * generated module, so a test can check the committed module was built from the committed
 * source.
 */
export function kernelSourceSha256(source: URL): string {
  const text = readFileSync(source, 'utf8');
  const hash = createHash('sha256').update(text);
  for (const match of text.matchAll(/^#include "(.*)"$/gm)) {
    hash.update(readFileSync(new URL(match[1] ?? '', source)));
  }
  return hash.digest('hex');
}
