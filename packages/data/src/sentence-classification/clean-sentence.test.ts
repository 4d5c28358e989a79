import { describe, expect, it } from 'vitest';
import { cleanSentence } from './clean-sentence.js';

const words = (text: string): string[] => text.split(' ');

describe('cleanSentence (Kim 2014 clean_str)', () => {
  it('tokenises the first line of MR rt-polarity.pos', () => {
    const line =
      'the rock is destined to be the 21st century\'s new " conan " and that he\'s going to make a splash even greater than arnold schwarzenegger , jean-claud van damme or steven segal . ';
    expect(cleanSentence(line)).toEqual(
      words(
        "the rock is destined to be the 21st century 's new conan and that he 's going to make a splash even greater than arnold schwarzenegger , jean claud van damme or steven segal",
      ),
    );
  });

  it('tokenises the second line of MR rt-polarity.neg', () => {
    const line = "it's so laddish and juvenile , only teenage boys could possibly find it funny . ";
    expect(cleanSentence(line)).toEqual(
      words("it 's so laddish and juvenile , only teenage boys could possibly find it funny"),
    );
  });

  it("keeps CR's pre-split tokens, drops brackets, dots and slashes (custrev.neg line 1)", () => {
    const line =
      "you must cycle through every zoom setting ( 2x , 3x , 4x , 1/2x , etc . ) before getting back to normal size [ sorry if i 'm just ignorant ] . it does n 't show";
    expect(cleanSentence(line)).toEqual(
      words(
        "you must cycle through every zoom setting ( 2x , 3x , 4x , 1 2x , etc ) before getting back to normal size sorry if i 'm just ignorant it does n 't show",
      ),
    );
  });

  it('keeps case for TREC with lowercase: false (TREC.train line 1)', () => {
    const line = 'How did serfdom develop in and then leave Russia ?';
    expect(cleanSentence(line, { lowercase: false })).toEqual(
      words('How did serfdom develop in and then leave Russia ?'),
    );
    expect(cleanSentence("What's NASA's (U.S.) budget?", { lowercase: false })).toEqual(
      words("What 's NASA 's ( U S ) budget ?"),
    );
    expect(cleanSentence('How did serfdom develop ?')).toEqual(words('how did serfdom develop ?'));
  });

  it("splits the clitics 's 've n't 're 'd 'll wherever they occur, case-sensitively", () => {
    expect(cleanSentence("we've they're i'd you'll don't can't")).toEqual(
      words("we 've they 're i 'd you 'll do n't ca n't"),
    );
    // Lowercasing comes last, so an upper-case clitic is not split: Kim's behaviour.
    expect(cleanSentence("DON'T IT'S")).toEqual(["don't", "it's"]);
    // No word boundaries in the patterns: a quote before an s is split too.
    expect(cleanSentence("'said' `twas")).toEqual(["'said'", '`twas']);
  });

  it('makes , ! ( ) ? tokens of their own and keeps digits', () => {
    expect(cleanSentence('wow!(really)?yes,10,000')).toEqual(
      words('wow ! ( really ) ? yes , 10 , 000'),
    );
  });

  it('turns every other character into a space, non-ASCII included', () => {
    expect(cleanSentence('crème brûlée: a "so-so" dish; 5.5/10 -- meh...')).toEqual(
      words('cr me br l e a so so dish 5 5 10 meh'),
    );
    // windows-1252 decoding of MR's bytes (é is 0xE9, the ellipsis 0x85): both become spaces.
    expect(cleanSentence('a clich\u00e9\u2026 ')).toEqual(['a', 'clich']);
    expect(cleanSentence('tab\tand\r\n')).toEqual(['tab', 'and']);
  });

  it('gives no tokens for text with nothing kept', () => {
    expect(cleanSentence('')).toEqual([]);
    expect(cleanSentence('  ')).toEqual([]);
    expect(cleanSentence(' . ... -- ')).toEqual([]);
  });
});
