import { describe, expect, it } from 'vitest';
import { DataError } from '../data-error.js';
import { createVocabulary } from '../vocabulary.js';
import { buildSentenceVocabulary, encodeSentences, PAD_ID, PAD_TOKEN } from './encode-sentences.js';

const sentence = (label: number, text: string) => ({ label, tokens: text ? text.split(' ') : [] });

const train = [
  sentence(0, 'a dull film'),
  sentence(1, 'a fine film , a fine cast'),
  sentence(1, ''),
];

describe('buildSentenceVocabulary', () => {
  it('puts <pad> at 0 and <unk> at 1, then tokens by count, ties by first occurrence', () => {
    const vocabulary = buildSentenceVocabulary(train);
    expect(PAD_TOKEN).toBe('<pad>');
    expect(vocabulary.token(PAD_ID)).toBe('<pad>');
    expect(vocabulary.unkId).toBe(1);
    expect(vocabulary.tokens).toEqual(['<pad>', '<unk>', 'a', 'film', 'fine', 'dull', ',', 'cast']);
    expect(vocabulary.eosId).toBeUndefined();
  });

  it('drops rare tokens with minCount', () => {
    const vocabulary = buildSentenceVocabulary(train, { minCount: 2 });
    expect(vocabulary.tokens).toEqual(['<pad>', '<unk>', 'a', 'film', 'fine']);
    expect(() => buildSentenceVocabulary(train, { minCount: 0 })).toThrow(
      /minCount must be an integer ≥ 1/,
    );
  });
});

describe('encodeSentences', () => {
  const vocabulary = buildSentenceVocabulary(train, { minCount: 2 });

  it('maps tokens to ids, unknown ones to <unk>, and keeps labels', () => {
    const encoded = encodeSentences(train.slice(0, 2), vocabulary);
    expect(encoded).toEqual([
      { ids: Int32Array.of(2, 1, 3), label: 0 },
      { ids: Int32Array.of(2, 4, 3, 1, 2, 4, 1), label: 1 },
    ]);
  });

  it('encodes an empty sentence as [<unk>], length 1, never as padding', () => {
    expect(encodeSentences([sentence(1, '')], vocabulary)).toEqual([
      { ids: Int32Array.of(1), label: 1 },
    ]);
  });

  it('truncates to maxLength', () => {
    const [long] = encodeSentences([train[1] ?? sentence(0, '')], vocabulary, { maxLength: 3 });
    expect(long?.ids).toEqual(Int32Array.of(2, 4, 3));
    const [whole] = encodeSentences([train[0] ?? sentence(0, '')], vocabulary, { maxLength: 99 });
    expect(whole?.ids.length).toBe(3);
  });

  it('refuses a bad maxLength, and empty or unknown tokens without <unk>', () => {
    expect(() => encodeSentences(train, vocabulary, { maxLength: 0 })).toThrow(
      'encodeSentences: maxLength must be an integer ≥ 1, got 0',
    );
    const closed = createVocabulary(['<pad>', 'a', 'film']);
    expect(() => encodeSentences([sentence(0, 'a film'), sentence(0, '')], closed)).toThrow(
      new DataError(
        'vocabulary',
        '<vocabulary>',
        'encodeSentences: sentence 1 has no tokens and the vocabulary has no <unk> to stand for it',
      ),
    );
    expect(() => encodeSentences([sentence(0, 'a dull film')], closed)).toThrow(DataError);
  });
});
