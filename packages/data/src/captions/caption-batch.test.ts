import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { type CaptionExample, captionLayout } from './caption-batch.js';

checkLeaksAfterEachTest();

const BOS = 2;
const EOS = 3;
const examples: CaptionExample[] = [
  { image: 1, tokens: Int32Array.of(10, 11, 12) },
  { image: 0, tokens: new Int32Array(0) },
  { image: 2, tokens: Int32Array.of(20) },
];
/** Image r's features: [r, r + 0.25]. */
const features = { size: 2, data: Float32Array.of(0, 0.25, 1, 1.25, 2, 2.25) };
const noFeatures = { size: 0, data: new Float32Array(0) };

describe('captionLayout', () => {
  it('lays out <bos> w… / w… <eos>, right-padded with 0, with each image row', () => {
    const layout = captionLayout('test', examples, features, { bosId: BOS, eosId: EOS });
    expect(layout.lengths).toEqual(Int32Array.of(4, 1, 2));
    expect(layout.tokens).toBe(7);
    expect(layout.batch(Int32Array.of(0, 1, 2))).toEqual({
      rows: 3,
      steps: 4,
      featureSize: 2,
      features: Float32Array.of(1, 1.25, 0, 0.25, 2, 2.25),
      // biome-ignore format: one row per line
      inputs: Int32Array.of(
        BOS, 10, 11, 12,
        BOS, 0, 0, 0,
        BOS, 20, 0, 0,
      ),
      // biome-ignore format: one row per line
      targets: Int32Array.of(
        10, 11, 12, EOS,
        EOS, 0, 0, 0,
        20, EOS, 0, 0,
      ),
      lengths: Int32Array.of(4, 1, 2),
      images: Int32Array.of(1, 0, 2),
    });
  });

  it('takes steps from the longest chosen caption, in the order of the indices', () => {
    const layout = captionLayout('test', examples, features, { bosId: BOS, eosId: EOS });
    const batch = layout.batch(Int32Array.of(2, 1));
    expect([batch.rows, batch.steps]).toEqual([2, 2]);
    expect(batch.inputs).toEqual(Int32Array.of(BOS, 20, BOS, 0));
    expect(batch.targets).toEqual(Int32Array.of(20, EOS, EOS, 0));
    expect(batch.images).toEqual(Int32Array.of(2, 0));
  });

  it('truncates captions to maxLength words before adding <eos>', () => {
    const layout = captionLayout('test', examples, noFeatures, {
      bosId: BOS,
      eosId: EOS,
      maxLength: 2,
    });
    expect(layout.tokens).toBe(6);
    const batch = layout.batch(Int32Array.of(0, 2));
    expect(batch.steps).toBe(3);
    expect(batch.inputs).toEqual(Int32Array.of(BOS, 10, 11, BOS, 20, 0));
    expect(batch.targets).toEqual(Int32Array.of(10, 11, EOS, 20, EOS, 0));
    expect(batch.lengths).toEqual(Int32Array.of(3, 2));
  });

  it('works without image features (size 0): empty features, any image index', () => {
    const far = [{ image: 99, tokens: Int32Array.of(5) }];
    const batch = captionLayout('test', far, noFeatures, { bosId: BOS, eosId: EOS }).batch(
      Int32Array.of(0),
    );
    expect(batch.featureSize).toBe(0);
    expect(batch.features).toEqual(new Float32Array(0));
    expect(batch.images).toEqual(Int32Array.of(99));
  });

  it('refuses bad examples, features and options, naming them', () => {
    const ids = { bosId: BOS, eosId: EOS };
    const layout = (list: readonly CaptionExample[], f = features, o: object = ids) =>
      captionLayout('who', list, f, { ...ids, ...o });
    expect(() => layout([...examples, { image: 3, tokens: Int32Array.of(1) }])).toThrow(
      new RangeError(
        'who: examples[3].image must be a row of the features, an integer in [0, 3), got 3',
      ),
    );
    expect(() => layout([{ image: -1, tokens: new Int32Array(0) }], noFeatures)).toThrow(
      'who: examples[0].image must be a row of the features',
    );
    expect(() => layout([{ image: 0, tokens: [1] as never }])).toThrow(
      new TypeError('who: examples[0].tokens must be an Int32Array'),
    );
    expect(() => layout([])).toThrow('who: examples is empty');
    expect(() => layout(examples, { size: 4, data: features.data })).toThrow(
      'who: features.data has 6 values, not a whole number of rows of features.size 4',
    );
    expect(() => layout(examples, { size: 0, data: features.data })).toThrow('features.size 0');
    expect(() => layout(examples, { size: 1.5, data: features.data })).toThrow(
      'who: features.size must be an integer ≥ 0, got 1.5',
    );
    expect(() => layout(examples, { size: 2, data: [0, 1] as never })).toThrow(
      'who: features.data must be a Float32Array',
    );
    expect(() => layout(examples, features, { bosId: -1 })).toThrow(
      'who: bosId must be an integer ≥ 0, got -1',
    );
    expect(() => layout(examples, features, { eosId: 0.5 })).toThrow('who: eosId must be');
    expect(() => layout(examples, features, { maxLength: 0 })).toThrow(
      'who: maxLength must be an integer ≥ 1, got 0',
    );
  });
});
