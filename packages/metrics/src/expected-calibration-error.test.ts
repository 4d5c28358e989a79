import { checkLeaksAfterEachTest, decode, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/uncertainty-reference.json' with { type: 'json' };
import {
  type CalibrationOptions,
  type CalibrationReport,
  expectedCalibrationError,
} from './expected-calibration-error.js';

checkLeaksAfterEachTest();

/** The report for probability rows and labels; the tensors are disposed whatever happens. */
async function calibrate(
  rows: number[][],
  labels: number[],
  options?: CalibrationOptions,
): Promise<CalibrationReport> {
  const logProbabilities = tf.tidy(() => tf.log(tf.tensor2d(rows)));
  const labelTensor = tf.tensor1d(labels, 'int32');
  try {
    return await expectedCalibrationError(logProbabilities, labelTensor, options);
  } finally {
    tf.dispose([logProbabilities, labelTensor]);
  }
}

const counts = (report: CalibrationReport): number[] => report.bins.map((bin) => bin.count);

describe('expectedCalibrationError by hand', () => {
  it('weighs each bin’s |accuracy − confidence| by its share of the examples', async () => {
    // 5 bins: (0, .2], (.2, .4], (.4, .6], (.6, .8], (.8, 1].
    //   [.9, .05, .03, .02], y 0: confidence .9, right   → bin 4
    //   [.05, .9, .03, .02], y 0: confidence .9, wrong   → bin 4: n 2, conf .9, acc .5
    //   [.7, .1, .1, .1],    y 0: confidence .7, right   → bin 3: n 1, conf .7, acc 1
    //   [.3, .25, .25, .2],  y 1: confidence .3, wrong   → bin 1: n 1, conf .3, acc 0
    // ECE = 2/4 · |.5 − .9| + 1/4 · |1 − .7| + 1/4 · |0 − .3| = .2 + .075 + .075 = 0.35
    const report = await calibrate(
      [
        [0.9, 0.05, 0.03, 0.02],
        [0.05, 0.9, 0.03, 0.02],
        [0.7, 0.1, 0.1, 0.1],
        [0.3, 0.25, 0.25, 0.2],
      ],
      [0, 0, 0, 1],
      { bins: 5 },
    );
    expectClose(report.ece, 0.35, TOLERANCES.float32, 'ece');
    expect(counts(report)).toEqual([0, 1, 0, 1, 2]);
    const [, low, empty, middle, high] = report.bins;
    expectClose([low?.confidence ?? 0, low?.accuracy ?? 1], [0.3, 0], TOLERANCES.float32);
    expectClose([middle?.confidence ?? 0, middle?.accuracy ?? 0], [0.7, 1], TOLERANCES.float32);
    expectClose([high?.confidence ?? 0, high?.accuracy ?? 0], [0.9, 0.5], TOLERANCES.float32);
    expect(empty).toEqual({ lower: 0.4, upper: 0.6, count: 0, confidence: NaN, accuracy: NaN });
  });

  it('uses right-closed bins (lower, upper]: an edge goes to the lower bin, 1 to the last', async () => {
    // Confidences exactly .25 (uniform over 4: float32 exp(log .25) rounds back to .25), .5
    // (a tie [.5, .5], predicting class 0) and 1 (one-hot, exp(0)); 4 bins with edges
    // .25, .5, .75: .25 → bin 0 [0, .25], .5 → bin 1 (.25, .5], 1 → bin 3 (.75, 1].
    const report = await calibrate(
      [
        [0.25, 0.25, 0.25, 0.25],
        [0.5, 0.5, 0, 0],
        [0, 0, 1, 0],
      ],
      [0, 1, 2],
      { bins: 4 },
    );
    expect(counts(report)).toEqual([1, 1, 0, 1]);
    expect(report.bins.map((bin) => bin.confidence)).toEqual([0.25, 0.5, NaN, 1]);
    expect(report.bins.map((bin) => bin.accuracy)).toEqual([1, 0, NaN, 1]);
    // ECE = 1/3 · |1 − .25| + 1/3 · |0 − .5| + 1/3 · 0 = 1.25 / 3
    expectClose(report.ece, 1.25 / 3, TOLERANCES.float32, 'ece');
    expect(report.bins.map((bin) => [bin.lower, bin.upper])).toEqual([
      [0, 0.25],
      [0.25, 0.5],
      [0.5, 0.75],
      [0.75, 1],
    ]);
  });

  it('is 0 for a perfectly calibrated toy: 75% right at confidence .75, 50% at .5', async () => {
    const rows = [...Array(4).fill([0.75, 0.25]), ...Array(2).fill([0.5, 0.5])] as number[][];
    const report = await calibrate(rows, [0, 0, 0, 1, 0, 1]); // 15 bins by default
    expect(report.bins).toHaveLength(15);
    expect(counts(report).filter((count) => count > 0)).toEqual([2, 4]);
    expectClose(report.ece, 0, { rtol: 0, atol: 1e-7 }, 'ece');
  });
});

describe('expectedCalibrationError against PyTorch 1.13', () => {
  const { classification } = fixture;

  it.each(classification.calibration)('matches torch at $bins bins on 300 rows', async (torch) => {
    const logProbabilities = decode(classification.logProbabilities);
    const labels = tf.tensor1d(classification.labels, 'int32');
    const report = await expectedCalibrationError(logProbabilities, labels, { bins: torch.bins });
    tf.dispose([logProbabilities, labels]);
    expect(counts(report)).toEqual(torch.counts);
    const nanIfNull = (values: (number | null)[]) => values.map((v) => v ?? Number.NaN);
    const ours = (key: 'confidence' | 'accuracy') => report.bins.map((bin) => bin[key]);
    expectClose(ours('confidence'), nanIfNull(torch.confidence), TOLERANCES.float32, 'conf_b');
    expectClose(ours('accuracy'), nanIfNull(torch.accuracy), { rtol: 1e-15, atol: 0 }, 'acc_b');
    expectClose(report.ece, torch.ece, TOLERANCES.float32, 'ece');
  });
});

describe('expectedCalibrationError refuses', () => {
  it('a bin count that is not an integer ≥ 1, and wrong shapes', async () => {
    const logProbabilities = tf.zeros([2, 3]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const wrongLabels = tf.tensor1d([0, 1, 2], 'int32');
    for (const bins of [0, 2.5, Number.NaN]) {
      await expect(expectedCalibrationError(logProbabilities, labels, { bins })).rejects.toThrow(
        new RangeError(`expectedCalibrationError: bins must be an integer ≥ 1, got ${bins}`),
      );
    }
    await expect(expectedCalibrationError(logProbabilities, wrongLabels)).rejects.toThrow(
      'expectedCalibrationError: labels [3] must be [N] = [2], one per row of logProbabilities [2, 3]',
    );
    tf.dispose([logProbabilities, labels, wrongLabels]);
  });

  it('labels outside [0, C) and a NaN confidence, leaving no tensor behind', async () => {
    await expect(calibrate([[0.5, 0.5]], [2])).rejects.toThrow(
      new RangeError('expectedCalibrationError: labels must be in [0, 2), found 2 … 2'),
    );
    await expect(calibrate([[0.5, Number.NaN]], [0])).rejects.toThrow(
      'expectedCalibrationError: the confidence of example 0 is NaN',
    );
  });
});
