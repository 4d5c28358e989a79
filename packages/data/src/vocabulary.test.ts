import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import {
  buildVocabulary,
  createVocabulary,
  DEFAULT_SPECIALS,
  EOS_TOKEN,
  UNK_TOKEN,
} from './vocabulary.js';

const words = (text: string): string[] => text.split(' ');

describe('buildVocabulary', () => {
  it('puts the specials first, then tokens by descending count, ties by first occurrence', () => {
    // counts: b 3, a 2, c 2, d 1; a is seen before c, so a wins the tie.
    const vocabulary = buildVocabulary(words('b a c b a d c b'));
    expect(vocabulary.tokens).toEqual([UNK_TOKEN, EOS_TOKEN, 'b', 'a', 'c', 'd']);
    expect(vocabulary.size).toBe(6);
    expect(vocabulary.unkId).toBe(0);
    expect(vocabulary.eosId).toBe(1);
    expect(DEFAULT_SPECIALS).toEqual(['<unk>', '<eos>']);
  });

  it('breaks ties by first occurrence, not alphabetically', () => {
    expect(buildVocabulary(words('z y x'), { specials: [] }).tokens).toEqual(['z', 'y', 'x']);
  });

  it('counts a special that occurs in the text as the special, not as a second entry', () => {
    const vocabulary = buildVocabulary(words('a <unk> <eos> a <unk> <eos>'));
    expect(vocabulary.tokens).toEqual(['<unk>', '<eos>', 'a']);
  });

  it('keeps the maxSize most frequent tokens, specials included', () => {
    const vocabulary = buildVocabulary(words('b a c b a d c b'), { maxSize: 4 });
    expect(vocabulary.tokens).toEqual(['<unk>', '<eos>', 'b', 'a']);
    expect(vocabulary.id('c')).toBe(0);
    expect(vocabulary.id('d')).toBe(vocabulary.unkId);
  });

  it('drops tokens below minCount but never the specials', () => {
    const vocabulary = buildVocabulary(words('b a c b a d c b'), { minCount: 3 });
    expect(vocabulary.tokens).toEqual(['<unk>', '<eos>', 'b']);
  });

  it('takes any iterable (a generator here) and custom specials', () => {
    function* chars(): Generator<string> {
      yield* 'hello';
    }
    const vocabulary = buildVocabulary(chars(), { specials: ['<unk>'] });
    expect(vocabulary.tokens).toEqual(['<unk>', 'l', 'h', 'e', 'o']);
    expect(vocabulary.eosId).toBeUndefined();
  });

  it('is deterministic: the same stream gives the same ids', () => {
    const stream = words('the cat sat on the mat the end');
    expect(buildVocabulary(stream).tokens).toEqual(buildVocabulary([...stream]).tokens);
  });

  it('refuses bad options', () => {
    expect(() => buildVocabulary(['a'], { maxSize: 1 })).toThrow(
      'buildVocabulary: maxSize must be an integer ≥ 2, got 1',
    );
    expect(() => buildVocabulary(['a'], { maxSize: 2.5 })).toThrow(RangeError);
    expect(() => buildVocabulary(['a'], { minCount: 0 })).toThrow(
      'buildVocabulary: minCount must be an integer ≥ 1, got 0',
    );
    expect(() => buildVocabulary(['a'], { specials: ['<unk>', '<unk>'] })).toThrow(
      'specials list a token twice',
    );
  });
});

describe('createVocabulary', () => {
  const vocabulary = createVocabulary(['<unk>', '<eos>', 'the', 'cat']);

  it('maps tokens to ids and back', () => {
    expect(vocabulary.id('the')).toBe(2);
    expect(vocabulary.token(3)).toBe('cat');
    expect(vocabulary.lookup('cat')).toBe(3);
    expect(vocabulary.has('cat')).toBe(true);
    expect(vocabulary.has('<unk>')).toBe(true);
  });

  it('maps an unknown token to <unk> in id() but not in lookup() or has()', () => {
    expect(vocabulary.id('dog')).toBe(0);
    expect(vocabulary.lookup('dog')).toBeUndefined();
    expect(vocabulary.has('dog')).toBe(false);
  });

  it('refuses ids outside the vocabulary', () => {
    expect(() => vocabulary.token(4)).toThrow('Token id 4 is outside the vocabulary [0, 4)');
    expect(() => vocabulary.token(-1)).toThrow(RangeError);
    expect(() => vocabulary.token(1.5)).toThrow(RangeError);
  });

  it('throws a DataError for an unknown token when there is no <unk>', () => {
    const chars = createVocabulary(['a', 'b']);
    expect(chars.unkId).toBeUndefined();
    expect(() => chars.id('c')).toThrow(DataError);
    expect(() => chars.id('c')).toThrow(
      'token "c" is not in the vocabulary, which has no <unk> to map it to',
    );
  });

  it('is immutable and copies its input', () => {
    const tokens = ['a', 'b'];
    const copy = createVocabulary(tokens);
    tokens.push('c');
    expect(copy.size).toBe(2);
    expect(Object.isFrozen(copy.tokens)).toBe(true);
  });

  it('refuses an empty list and duplicates', () => {
    expect(() => createVocabulary([])).toThrow('A vocabulary needs at least one token');
    expect(() => createVocabulary(['a', 'b', 'a'])).toThrow(
      'Token "a" appears twice in the vocabulary',
    );
  });
});
