import type { RngKey } from '@bayesrnn/spec';

/** Largest seed `createKey` accepts: seeds are exact integers in `[0, 2^53)`. */
const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** murmur3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash two key words and a 32-bit datum into one new word; `lane` separates the outputs. */
function mixWords(words: readonly [number, number], datum: number, lane: number): number {
  let h = fmix32(words[0] ^ Math.imul(lane + 1, 0x9e3779b9));
  h = fmix32(h ^ words[1]);
  h = fmix32(h ^ Math.imul(datum >>> 0, 0x27d4eb2f));
  return fmix32(h + lane);
}

function makeKey(w0: number, w1: number): RngKey {
  return Object.freeze({
    kind: 'RngKey',
    words: Object.freeze([w0 >>> 0, w1 >>> 0]) as readonly [number, number],
  });
}

/**
 * Makes a key from an integer seed. Same seed → same key → same numbers everywhere.
 *
 * @throws if `seed` is not an integer in `[0, 2^53)`.
 */
export function createKey(seed: number): RngKey {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`createKey: seed must be an integer in [0, 2^53), got ${seed}`);
  }
  const low = seed % 0x1_0000_0000;
  const high = Math.floor(seed / 0x1_0000_0000);
  return makeKey(mixWords([low, high], 0, 0), mixWords([low, high], 0, 1));
}

/** Checks that a value really is a key (a clear error instead of NaN seeds downstream). */
export function assertKey(key: unknown, where: string): asserts key is RngKey {
  const candidate = key as Partial<RngKey> | null | undefined;
  const words = candidate?.words;
  if (
    candidate?.kind !== 'RngKey' ||
    !Array.isArray(words) ||
    words.length !== 2 ||
    !words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
  ) {
    throw new TypeError(`${where}: expected an RngKey from createKey/splitKey, got ${String(key)}`);
  }
}

/**
 * Derives `count` independent keys from one. Deterministic: the i-th child depends only on
 * the parent and `i`, so `splitKey(k, 3)[1]` equals `splitKey(k, 5)[1]`.
 */
export function splitKey(key: RngKey, count: number): RngKey[] {
  assertKey(key, 'splitKey');
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`splitKey: count must be a non-negative integer, got ${count}`);
  }
  return Array.from({ length: count }, (_, index) =>
    makeKey(mixWords(key.words, index, 2), mixWords(key.words, index, 3)),
  );
}

/**
 * Derives the key for a named or numbered purpose (a step index, a layer name) without
 * consuming a split. Strings are hashed; numbers must be integers in `[0, 2^32)`.
 */
export function foldIn(key: RngKey, data: number | string): RngKey {
  assertKey(key, 'foldIn');
  const datum = typeof data === 'string' ? hashString(data) : checkedWord(data);
  return makeKey(mixWords(key.words, datum, 4), mixWords(key.words, datum, 5));
}

/**
 * The key of block `block` of a long random array (`normal-blocks.ts`): the key itself for
 * block 0, so an array of up to one block holds the key's own stream; for the others a
 * derivation (lanes 6 and 7 of the mix) that no `splitKey` or `foldIn` reaches, so no block
 * repeats another key's stream. `wasm/normal.h`'s `block_lanes` computes the same.
 */
export function blockKey(key: RngKey, block: number): RngKey {
  assertKey(key, 'blockKey');
  if (!Number.isInteger(block) || block < 0 || block > 0xffffffff) {
    throw new RangeError(`blockKey: block must be an integer in [0, 2^32), got ${block}`);
  }
  if (block === 0) return key;
  return makeKey(mixWords(key.words, block, 6), mixWords(key.words, block, 7));
}

/**
 * The key of lane `lane` (0–7) of a normal block stream (`box-muller.ts`: eight xoshiro128**
 * streams, one per SIMD lane), by lanes 8 and 9 of the mix, which no other derivation uses.
 * `wasm/normal.h`'s `lane_state` computes the same.
 */
export function laneKey(key: RngKey, lane: number): RngKey {
  assertKey(key, 'laneKey');
  if (!Number.isInteger(lane) || lane < 0 || lane > 7) {
    throw new RangeError(`laneKey: lane must be an integer in [0, 8), got ${lane}`);
  }
  return makeKey(mixWords(key.words, lane, 8), mixWords(key.words, lane, 9));
}

function checkedWord(data: number): number {
  if (!Number.isInteger(data) || data < 0 || data > 0xffffffff) {
    throw new RangeError(`foldIn: data must be an integer in [0, 2^32) or a string, got ${data}`);
  }
  return data;
}

/** FNV-1a over UTF-16 code units, finalised: stable across platforms and runs. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return fmix32(h);
}

/**
 * The key as a seed for tfjs's seeded random ops (which take a number): an exact integer
 * below 2^53 built from 53 of the key's 64 bits.
 */
export function keyToSeed(key: RngKey): number {
  assertKey(key, 'keyToSeed');
  return key.words[0] * 0x20_0000 + (key.words[1] >>> 11);
}
