import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { captionBatch } from './__fixtures__/caption-problem.js';
import { checkCaptionBatch } from './caption-batch.js';
import { DEFAULT_CAPTION_DECODER_CONFIG, validateCaptionDecoderConfig } from './caption-config.js';
import { createCaptionDecoder } from './caption-decoder.js';

checkLeaksAfterEachTest();

describe('caption decoder config and batches', () => {
  it('names the first bad option', () => {
    const bad = (override: object) => () =>
      validateCaptionDecoderConfig({ ...DEFAULT_CAPTION_DECODER_CONFIG, ...override });
    expect(bad({ featureSize: -1 })).toThrow(
      'CaptionDecoderConfig.featureSize must be an integer ≥ 0, got -1',
    );
    expect(bad({ hiddenSize: 0 })).toThrow('CaptionDecoderConfig.hiddenSize');
    expect(bad({ cell: 'tree' })).toThrow(
      'CaptionDecoderConfig.cell must be lstm, gru, vanilla or a cell factory, got tree',
    );
    expect(bad({ initScale: 0 })).toThrow('CaptionDecoderConfig.initScale must be positive');
    expect(bad({ dropout: { method: 'naive', rate: 1 } })).toThrow(
      'CaptionDecoderConfig.dropout.rate',
    );
    expect(bad({})).not.toThrow();
  });

  it('declares image weights only when there are features', () => {
    const names = (featureSize: number) =>
      Object.keys(
        createCaptionDecoder({ ...DEFAULT_CAPTION_DECODER_CONFIG, featureSize }).weightSpecs,
      );
    expect(names(4)).toContain('image/kernel');
    expect(names(0).filter((name) => name.startsWith('image/'))).toEqual([]);
  });

  it('refuses image features of the wrong shape when decoding begins', () => {
    const decoder = createCaptionDecoder({ ...DEFAULT_CAPTION_DECODER_CONFIG, featureSize: 4 });
    const features = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => decoder.begin({}, features, 2)).toThrow(
      'caption decoder.begin: features must be [2, 4], got [2, 3]',
    );
    features.dispose();
  });

  it('refuses a batch that does not fit the decoder, naming the field and row', () => {
    const sizes = { vocabSize: 10, featureSize: 4 };
    const batch = captionBatch([0, 1, 2]);
    expect(() => checkCaptionBatch(batch, sizes, 'here')).not.toThrow();
    expect(() => checkCaptionBatch(batch, { ...sizes, featureSize: 5 }, 'here')).toThrow(
      'here: the batch has image features of width 4, the decoder reads 5',
    );
    expect(() => checkCaptionBatch(batch, { ...sizes, vocabSize: 8 }, 'here')).toThrow(
      'here: inputs row 0 step 2 has id 8, outside [0, 8)',
    );
    const long = { ...batch, lengths: Int32Array.from([3, 4, 3]) };
    expect(() => checkCaptionBatch(long, sizes, 'here')).toThrow(
      'here: row 1 has length 4, outside [1, 3]',
    );
    const short = { ...batch, features: new Float32Array(3) };
    expect(() => checkCaptionBatch(short, sizes, 'here')).toThrow('needs 12 feature values, got 3');
  });
});
