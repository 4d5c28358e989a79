import { describe, expect, it } from 'vitest';
import { lineOfToken, tokenizeLines, truncateTokens } from './tokenized-text.js';

const PTB_SAMPLE = ' the cat sat \n <unk> ran N miles \n';

describe('lineOfToken and truncateTokens', () => {
  it('finds the line of a token, skipping lines without tokens', () => {
    const starts = Int32Array.from([0, 3, 3, 5]);
    expect([0, 2, 3, 4, 5, 9].map((index) => lineOfToken(starts, index))).toEqual([
      1, 1, 3, 3, 4, 4,
    ]);
    expect(lineOfToken(new Int32Array(0), 0)).toBeUndefined();
  });

  it('keeps the first tokens and the lines they start', () => {
    const text = tokenizeLines(PTB_SAMPLE, 'sample.txt');
    const first5 = truncateTokens(text, 5);
    expect(first5.tokens).toEqual(['the', 'cat', 'sat', '<eos>', '<unk>']);
    expect([...first5.lineStarts]).toEqual([0, 4]);
    expect([...truncateTokens(text, 4).lineStarts]).toEqual([0]);
    expect(truncateTokens(text, 100)).toBe(text);
    expect(() => truncateTokens(text, 0)).toThrow(
      'truncateTokens: maxTokens must be an integer ≥ 1, got 0',
    );
  });
});
