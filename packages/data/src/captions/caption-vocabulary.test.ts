import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { DataError } from '../data-error.js';
import { createVocabulary, EOS_TOKEN, UNK_TOKEN } from '../vocabulary.js';
import {
  buildCaptionVocabulary,
  CAPTION_BOS,
  CAPTION_PAD,
  CAPTION_SPECIALS,
  encodeCaption,
  encodeCaptionSplit,
} from './caption-vocabulary.js';

checkLeaksAfterEachTest();

const captions = ['a dog runs', 'a dog', 'a cat', 'the dog'].map((text) => text.split(' '));

describe('buildCaptionVocabulary', () => {
  it('puts <pad> <unk> <bos> <eos> at 0–3, then words seen minCount times by count', () => {
    expect(CAPTION_SPECIALS).toEqual([CAPTION_PAD, UNK_TOKEN, CAPTION_BOS, EOS_TOKEN]);
    const vocabulary = buildCaptionVocabulary(captions, { minCount: 1 });
    expect(vocabulary.tokens).toEqual([
      '<pad>',
      '<unk>',
      '<bos>',
      '<eos>',
      'a',
      'dog',
      'runs',
      'cat',
      'the',
    ]);
    expect([vocabulary.unkId, vocabulary.eosId, vocabulary.id(CAPTION_BOS)]).toEqual([1, 3, 2]);
    expect(buildCaptionVocabulary(captions, { minCount: 3 }).tokens.slice(4)).toEqual(['a', 'dog']);
  });

  it("defaults to neuraltalk's threshold of 5", () => {
    const many = [...Array.from({ length: 5 }, () => ['often']), ['rare', 'rare', 'rare', 'rare']];
    expect(buildCaptionVocabulary(many).tokens.slice(4)).toEqual(['often']);
    expect(() => buildCaptionVocabulary(captions, { minCount: 0 })).toThrow(/minCount/);
  });
});

describe('encodeCaption', () => {
  it('maps words to ids, unknown words to <unk>, adding nothing', () => {
    const vocabulary = buildCaptionVocabulary(captions, { minCount: 2 });
    expect(encodeCaption(['a', 'zebra', 'dog'], vocabulary)).toEqual(Int32Array.of(4, 1, 5));
    expect(encodeCaption([], vocabulary)).toEqual(new Int32Array(0));
  });

  it('refuses an unknown word when the vocabulary has no <unk>', () => {
    expect(() => encodeCaption(['x'], createVocabulary(['a']))).toThrow(DataError);
  });

  it('encodes a split caption by caption, each with its image index', () => {
    const vocabulary = buildCaptionVocabulary(captions, { minCount: 2 });
    const split = { images: ['p.jpg', 'q.jpg'], captions: [[['a', 'dog'], ['dog']], [[]]] };
    expect(encodeCaptionSplit(split, vocabulary)).toEqual([
      { image: 0, tokens: Int32Array.of(4, 5) },
      { image: 0, tokens: Int32Array.of(5) },
      { image: 1, tokens: new Int32Array(0) },
    ]);
  });
});
