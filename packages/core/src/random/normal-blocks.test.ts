import { describe, expect, it } from 'vitest';
import { fillStandardNormal, normalLanes } from './box-muller.js';
import {
  fillStandardNormalBlocks,
  fillStandardNormalBlocksInJs,
  NORMAL_BLOCK,
  normalBlockCount,
  normalBlockParts,
} from './normal-blocks.js';
import { standardNormalArray } from './random-ops.js';
import { blockKey, createKey, foldIn, laneKey, splitKey } from './rng-key.js';

/** The draws of one key's own stream (no blocks). */
function ownStream(key: ReturnType<typeof createKey>, count: number): Float32Array {
  return fillStandardNormal(normalLanes(key), new Float32Array(count));
}

describe('normal draws in block streams', () => {
  const key = createKey(41);

  it("holds the key's own stream up to one block, then each block's own key", () => {
    expect(standardNormalArray(key, 1000)).toEqual(ownStream(key, 1000));
    const size = 2 * NORMAL_BLOCK + 123;
    const draws = standardNormalArray(key, size);
    expect(draws.subarray(0, NORMAL_BLOCK)).toEqual(ownStream(key, NORMAL_BLOCK));
    const second = draws.subarray(NORMAL_BLOCK, 2 * NORMAL_BLOCK);
    expect(second).toEqual(ownStream(blockKey(key, 1), NORMAL_BLOCK));
    expect(draws.subarray(2 * NORMAL_BLOCK)).toEqual(ownStream(blockKey(key, 2), 123));
    // The block boundary is not the continuation of block 0's stream.
    expect(second).not.toEqual(ownStream(key, 2 * NORMAL_BLOCK).subarray(NORMAL_BLOCK));
    expect(fillStandardNormalBlocks(key, new Float32Array(size))).toEqual(draws);
    expect(fillStandardNormalBlocksInJs(key, new Float32Array(size))).toEqual(draws);
  });

  it('draws the JavaScript numbers by the C kernel on its own memory, 64 blocks a call', () => {
    // 65 blocks and a part: a second call, and a last block that ends inside a group of 16.
    for (const size of [0, 5, 65 * NORMAL_BLOCK + 5]) {
      const kernel = fillStandardNormalBlocks(key, new Float32Array(size).fill(Number.NaN));
      const js = fillStandardNormalBlocksInJs(key, new Float32Array(size).fill(Number.NaN));
      expect(kernel).toEqual(js);
      expect(js.every(Number.isFinite)).toBe(true);
    }
  });

  it('gives uncorrelated blocks with the moments of N(0, 1)', () => {
    const blocks = 6;
    const draws = standardNormalArray(key, blocks * NORMAL_BLOCK);
    let sum = 0;
    let squares = 0;
    for (const x of draws) {
      sum += x;
      squares += x * x;
    }
    const n = draws.length;
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    for (let b = 0; b + 1 < blocks; b += 1) {
      let cross = 0;
      for (let i = 0; i < NORMAL_BLOCK; i += 1) {
        cross +=
          (draws[b * NORMAL_BLOCK + i] as number) * (draws[(b + 1) * NORMAL_BLOCK + i] as number);
      }
      // Correlation of independent blocks: s.e. 1/√NORMAL_BLOCK ≈ 0.008; 5 s.e.
      expect(Math.abs(cross / NORMAL_BLOCK)).toBeLessThan(5 / Math.sqrt(NORMAL_BLOCK));
    }
  });

  it('derives block and lane keys no split or fold gives, and refuses a bad one', () => {
    expect(blockKey(key, 0)).toBe(key);
    const derived = [
      ...[1, 2, 3].map((b) => blockKey(key, b).words.join()),
      ...[0, 1, 7].map((lane) => laneKey(key, lane).words.join()),
      ...[0, 1, 7].map((lane) => laneKey(blockKey(key, 1), lane).words.join()),
    ];
    const others = [
      ...splitKey(key, 4).map((k) => k.words.join()),
      ...[1, 2, 3].map((b) => foldIn(key, b).words.join()),
      key.words.join(),
    ];
    expect(new Set([...derived, ...others]).size).toBe(derived.length + others.length);
    expect(blockKey(key, 5)).toEqual(blockKey(key, 5));
    expect(() => blockKey(key, -1)).toThrow(/blockKey: block must be an integer/);
    expect(() => blockKey(key, 1.5)).toThrow(/blockKey/);
    expect(() => laneKey(key, 8)).toThrow(/laneKey: lane must be an integer in \[0, 8\)/);
  });

  it('splits the blocks into contiguous, nearly equal, non-empty parts', () => {
    expect(normalBlockCount(0)).toBe(0);
    expect(normalBlockCount(1)).toBe(1);
    expect(normalBlockCount(NORMAL_BLOCK)).toBe(1);
    expect(normalBlockCount(NORMAL_BLOCK + 1)).toBe(2);
    expect(normalBlockParts(0, 2)).toEqual([]);
    expect(normalBlockParts(10, 4)).toEqual([[0, 1]]);
    expect(normalBlockParts(5 * NORMAL_BLOCK, 2)).toEqual([
      [0, 2],
      [2, 5],
    ]);
    const parts = normalBlockParts(71 * NORMAL_BLOCK - 5, 3);
    expect(parts[0]?.[0]).toBe(0);
    expect(parts.at(-1)?.[1]).toBe(71);
    for (let i = 1; i < parts.length; i += 1) expect(parts[i]?.[0]).toBe(parts[i - 1]?.[1]);
    const lengths = parts.map(([first, end]) => end - first);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
  });
});
