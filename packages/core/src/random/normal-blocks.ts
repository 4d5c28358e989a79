import type { RngKey } from '@bayesrnn/spec';
import { fillStandardNormal, normalLanes } from './box-muller.js';
import { fillStandardNormalOwnMemory, NORMAL_BLOCK } from './normal-wasm.js';
import { blockKey } from './rng-key.js';

export { NORMAL_BLOCK };

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
 * Fills `out` with the N(0, 1) draws of `key` outside a wasm heap: block b (elements
 * `[b·NORMAL_BLOCK, (b + 1)·NORMAL_BLOCK)`) holds the Box–Muller draws of `blockKey(key, b)`'s
 * stream (`box-muller.ts`). Drawn by the C kernel on a memory of its own where WebAssembly SIMD
 * runs (`normal-wasm.ts`), else by {@link fillStandardNormalBlocksInJs}: the same numbers.
 */
export function fillStandardNormalBlocks(key: RngKey, out: Float32Array): Float32Array {
  if (!fillStandardNormalOwnMemory(key.words[0], key.words[1], out)) {
    fillStandardNormalBlocksInJs(key, out);
  }
  return out;
}

/** {@link fillStandardNormalBlocks} in JavaScript alone: the reference the C kernel matches. */
export function fillStandardNormalBlocksInJs(key: RngKey, out: Float32Array): Float32Array {
  for (let start = 0, block = 0; start < out.length; start += NORMAL_BLOCK, block += 1) {
    const lanes = normalLanes(blockKey(key, block));
    fillStandardNormal(lanes, out.subarray(start, Math.min(out.length, start + NORMAL_BLOCK)));
  }
  return out;
}
