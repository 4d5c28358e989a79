import { describe, expect, it } from 'vitest';
import {
  createConsoleReporter,
  formatDuration,
  formatProgress,
  type TrainProgress,
} from './progress-reporter.js';

const snapshot: TrainProgress = {
  phase: 'train',
  epoch: 2,
  epochs: 39,
  step: 1200,
  totalSteps: 51753,
  loss: 4.81234,
  perplexity: 122.97,
  learningRate: 1,
  tokensPerSecond: 12345,
  etaSeconds: 3725,
};

function fakeStream(isTTY: boolean): { write(text: string): void; isTTY: boolean; text: string } {
  return {
    isTTY,
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

describe('formatProgress', () => {
  it('shows epoch, steps, loss, perplexity, lr, throughput and ETA', () => {
    expect(formatProgress(snapshot)).toBe(
      'epoch 3/39  step 1200/51753 (2.3%)  loss 4.8123  ppl 123.0  lr 1  12.3k tok/s  ETA 1h02m',
    );
  });

  it("names the task's unit in the rate", () => {
    expect(formatProgress({ ...snapshot, unit: 'sentences', tokensPerSecond: 250 })).toContain(
      '  250 sentences/s  ',
    );
  });

  it('leaves out what is unknown and adds validation at epoch end', () => {
    const line = formatProgress({
      ...snapshot,
      phase: 'epoch-end',
      perplexity: undefined,
      tokensPerSecond: undefined,
      learningRate: 1 / 1.2,
      validation: { nll: 4.9, tokens: 73760 },
    });
    expect(line).toBe(
      'epoch 3/39  step 1200/51753 (2.3%)  loss 4.8123  lr 0.8333  | valid nll 4.9000 tokens 73760',
    );
  });

  it('closes with the best validation result and the test results', () => {
    const line = formatProgress({
      ...snapshot,
      phase: 'done',
      step: 51753,
      loss: undefined,
      best: { epoch: 30, metric: 'nll', value: 4.456789 },
      evaluations: { test: { perplexity: 82.7 } },
    });
    expect(line).toBe(
      'done:  epoch 3/39  step 51753/51753 (100.0%)  | best nll 4.4568 (epoch 31)  | test perplexity 82.700',
    );
  });
});

describe('formatDuration', () => {
  it('formats hours, minutes and seconds', () => {
    expect([3725, 185, 12.4, Number.NaN].map(formatDuration)).toEqual([
      '1h02m',
      '3m05s',
      '12s',
      '?',
    ]);
  });
});

describe('createConsoleReporter', () => {
  it('refreshes one line on a terminal and ends it at epoch end', () => {
    const stream = fakeStream(true);
    const report = createConsoleReporter(stream);
    report(snapshot);
    report({ ...snapshot, phase: 'epoch-end' });
    expect(stream.text.startsWith('\repoch 3/39')).toBe(true);
    expect(stream.text.split('\u001b[K')).toHaveLength(3);
    expect(stream.text.endsWith('\n')).toBe(true);
    expect(stream.text.match(/\n/g)).toHaveLength(1);
  });

  it('writes plain lines elsewhere', () => {
    const stream = fakeStream(false);
    const report = createConsoleReporter(stream);
    report(snapshot);
    report(snapshot);
    expect(stream.text).toBe(`${formatProgress(snapshot)}\n${formatProgress(snapshot)}\n`);
  });
});
