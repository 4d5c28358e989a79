import { describe, expect, it } from 'vitest';
import { reverseSentences } from './reverse-sentences.js';

describe('reverseSentences', () => {
  it('reverses the words of each sentence and keeps every <eos> in place', () => {
    const eos = 1;
    const ids = Int32Array.from([5, 6, 7, eos, 8, 9, eos, eos, 4, 3]);
    expect(Array.from(reverseSentences(ids, eos))).toEqual([7, 6, 5, eos, 9, 8, eos, eos, 3, 4]);
  });

  it('is its own inverse and keeps the token counts', () => {
    const ids = Int32Array.from({ length: 200 }, (_, i) => ((i * 7919) % 13) + 1);
    const twice = reverseSentences(reverseSentences(ids, 1), 1);
    expect(Array.from(twice)).toEqual(Array.from(ids));
  });
});
