// Flickr8k's caption text and official splits (shared/data/SOURCES.md §7), found as the other
// real-data tests find theirs (../__fixtures__/real-data-root.ts): skipped outside CI when
// absent, failing in CI.
import { join } from 'node:path';
import { createKey } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { dataRoot, skipWithoutData } from '../__fixtures__/real-data-root.js';
import { createCaptionBatches } from './caption-batches.js';
import { buildCaptionVocabulary, CAPTION_BOS, encodeCaptionSplit } from './caption-vocabulary.js';
import { type Flickr8kSplits, loadFlickr8k } from './read-flickr8k.js';

checkLeaksAfterEachTest();

describe.skipIf(skipWithoutData('flickr8k'))(`Flickr8k (${join(dataRoot, 'flickr8k')})`, () => {
  // Loaded once, on first use inside a test, so missing data fails every test (not just a hook).
  let loading: Promise<Flickr8kSplits> | undefined;
  const load = (): Promise<Flickr8kSplits> =>
    (loading ??= loadFlickr8k(join(dataRoot, 'flickr8k')));

  it('has 6,000 / 1,000 / 1,000 images with 5 captions each', async () => {
    const flickr = await load();
    expect([
      flickr.train.images.length,
      flickr.dev.images.length,
      flickr.test.images.length,
    ]).toEqual([6000, 1000, 1000]);
    for (const split of [flickr.train, flickr.dev, flickr.test]) {
      expect(split.captions.length).toBe(split.images.length);
      expect(split.captions.every((captions) => captions.length === 5)).toBe(true);
    }
    expect(flickr.files.captions).toMatch(/Flickr8k\.token\.txt(\.gz)?$/);
  });

  it("tokenises the first train image's first caption as neuraltalk does", async () => {
    const { train } = await load();
    expect(train.images[0]).toBe('2513260012_03d33305cf.jpg');
    // "A black dog is running after a white dog in the snow ."
    expect(train.captions[0]?.[0]).toEqual(
      'a black dog is running after a white dog in the snow'.split(' '),
    );
  });

  it('has a 2,541-token train vocabulary at minCount 5 (2,537 words + 4 specials)', async () => {
    const { train } = await load();
    const vocabulary = buildCaptionVocabulary(train.captions.flat());
    console.log(`Flickr8k train vocabulary at minCount 5: ${vocabulary.size} tokens`);
    expect(vocabulary.size).toBe(2541);
    const examples = encodeCaptionSplit(train, vocabulary);
    const source = createCaptionBatches(
      examples,
      { size: 0, data: new Float32Array(0) },
      {
        batchSize: 100,
        key: createKey(0),
        bosId: vocabulary.id(CAPTION_BOS),
        eosId: vocabulary.eosId ?? -1,
      },
    );
    // 30,000 captions of 353,639 words + <eos> each.
    expect([source.examples, source.batchesPerEpoch, source.tokens]).toEqual([
      30_000, 300, 353_639,
    ]);
  });
});
