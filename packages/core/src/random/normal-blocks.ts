import type { RngKey } from '@bayesrnn/spec';
import { blockKey } from './rng-key.js';
import { Xoshiro128 } from './xoshiro128.js';
import { fillStandardNormal } from './ziggurat.js';

/**
 * Elements per block stream. A random array longer than this is drawn in blocks, each from its
 * own key (`blockKey`): block 0 from the array's key, so short arrays hold the key's own
 * stream. Independent blocks let several threads draw one array at once, and let a kernel
 * that uses the noise draw it block by block where it uses it (the fused posterior draw),
 * with the same numbers on every backend and thread count. 2^16 floats (256 KiB) keep the
 * per-block seeding negligible and still give the PTB-small weights dozens of blocks to share.
 */
export const NORMAL_BLOCK = 65_536;

/** How many blocks an array of `size` elements has. */
export function normalBlockCount(size: number): number {
  return Math.ceil(size / NORMAL_BLOCK);
}

/**
 * The blocks of a `size`-element array split into at most `parts` contiguous ranges
 * `[first, end)` of nearly equal length (none empty), for threads that draw one range each.
 */
export function normalBlockParts(size: number, parts: number): Array<[number, number]> {
  const blocks = normalBlockCount(size);
  const count = Math.max(1, Math.min(Math.floor(parts), blocks));
  if (blocks === 0) return [];
  return Array.from({ length: count }, (_, i): [number, number] => [
    Math.floor((i * blocks) / count),
    Math.floor(((i + 1) * blocks) / count),
  ]);
}

/**
 * Fills `out` with the N(0, 1) draws of `key` in JavaScript: block b (elements
 * `[b·NORMAL_BLOCK, (b + 1)·NORMAL_BLOCK)`) holds the ziggurat draws of `blockKey(key, b)`'s
 * stream. `wasm/ziggurat.h`'s `fill_normal_blocks` draws the same numbers.
 */
export function fillStandardNormalBlocks(key: RngKey, out: Float32Array): Float32Array {
  for (let start = 0, block = 0; start < out.length; start += NORMAL_BLOCK, block += 1) {
    const stream = new Xoshiro128(blockKey(key, block));
    fillStandardNormal(stream, out.subarray(start, Math.min(out.length, start + NORMAL_BLOCK)));
  }
  return out;
}
