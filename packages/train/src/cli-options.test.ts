import { describe, expect, it } from 'vitest';
import {
  choiceOption,
  integerOption,
  numberOption,
  parseOptions,
  UsageError,
} from './cli-options.js';

describe('command-line options', () => {
  it('parse flags and help, and name an unknown flag', () => {
    const options = { seed: { type: 'string' }, resume: { type: 'boolean' } } as const;
    expect(parseOptions(['--seed', '3', '--resume'], options)).toEqual({ seed: '3', resume: true });
    expect(parseOptions(['-h'], options).help).toBe(true);
    expect(() => parseOptions(['--sead', '3'], options)).toThrow(UsageError);
    expect(() => parseOptions(['--sead', '3'], options)).toThrow(/--sead/);
  });

  it('check numbers and choices against their bounds, with the fallback when absent', () => {
    expect(integerOption(undefined, 'seed', 1)).toBe(1);
    expect(integerOption('7', 'seed', 1)).toBe(7);
    expect(() => integerOption('2.5', 'seed', 1)).toThrow(
      "--seed must be an integer ≥ 0, got '2.5'",
    );
    expect(() => integerOption('0', 'batch', 32, 1)).toThrow(
      "--batch must be an integer ≥ 1, got '0'",
    );
    expect(numberOption('1e-3', 'lr', 0.01)).toBe(0.001);
    expect(() => numberOption('fast', 'lr', 0.01)).toThrow("--lr must be a number ≥ 0, got 'fast'");
    expect(choiceOption('dnc', 'model', ['vrnn', 'dnc'], 'vrnn')).toBe('dnc');
    expect(() => choiceOption('gru', 'model', ['vrnn', 'dnc'], 'vrnn')).toThrow(
      "--model must be one of vrnn, dnc, got 'gru'",
    );
  });
});
