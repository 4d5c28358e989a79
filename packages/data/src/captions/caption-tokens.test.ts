import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { tokenizeCaption } from './caption-tokens.js';

checkLeaksAfterEachTest();

describe('tokenizeCaption', () => {
  it('lower-cases, deletes ASCII punctuation and splits on whitespace', () => {
    expect(tokenizeCaption('A child in a pink dress is climbing up a set of stairs .')).toEqual(
      'a child in a pink dress is climbing up a set of stairs'.split(' '),
    );
    expect(tokenizeCaption("A tri-colored dog's ball, (red)!")).toEqual([
      'a',
      'tricolored',
      'dogs',
      'ball',
      'red',
    ]);
  });

  it('deletes every character of string.punctuation and nothing else ASCII', () => {
    const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    expect(tokenizeCaption(`x${punctuation}y`)).toEqual(['xy']);
    expect(tokenizeCaption('abc XYZ 0129')).toEqual(['abc', 'xyz', '0129']);
  });

  it('drops empty tokens: leading, trailing and repeated whitespace, lone punctuation', () => {
    expect(tokenizeCaption('  two\t\tdogs \r\n . ')).toEqual(['two', 'dogs']);
    expect(tokenizeCaption(' . , ')).toEqual([]);
    expect(tokenizeCaption('')).toEqual([]);
  });

  it('keeps non-ASCII characters, lower-cased', () => {
    expect(tokenizeCaption('Café — ÉTÉ')).toEqual(['café', '—', 'été']);
  });
});
