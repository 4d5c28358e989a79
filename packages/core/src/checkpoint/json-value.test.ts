import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { assertJsonValue } from './json-value.js';

function problem(value: unknown): string {
  try {
    assertJsonValue(value, 'metadata', '/ckpt');
  } catch (error) {
    if (error instanceof CheckpointError && error.code === 'input') return error.message;
    throw error;
  }
  return 'ok';
}

describe('assertJsonValue', () => {
  it('accepts JSON, shared references and null-prototype objects', () => {
    const shared = { lr: 0.1 };
    const bare = Object.assign(Object.create(null) as object, { a: [1, 'b', true, null] });
    expect(problem({ a: shared, b: shared, c: [shared], d: bare, e: -0, f: 1e308 })).toBe('ok');
    expect(problem(null)).toBe('ok');
  });

  it.each([
    [{ config: { lr: Number.NaN } }, 'metadata.config.lr is NaN'],
    [{ limit: Number.POSITIVE_INFINITY }, 'metadata.limit is Infinity'],
    [{ skipped: undefined }, 'metadata.skipped is undefined'],
    [[1, () => 2], 'metadata[1] is function'],
    [{ big: 1n }, 'metadata.big is bigint'],
    [{ when: new Date(0) }, 'metadata.when is not a plain object'],
    // biome-ignore lint/suspicious/noSparseArray: a hole is exactly what is tested
    [[1, , 3], 'metadata[1] is undefined'],
  ])('refuses %o, naming where', (value, message) => {
    expect(problem(value)).toContain(`Checkpoint /ckpt: ${message}`);
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { back: cyclic };
    expect(problem(cyclic)).toContain('metadata.self.back contains a cycle');
  });
});
