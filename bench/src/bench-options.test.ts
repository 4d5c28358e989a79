import { describe, expect, it } from 'vitest';
import { parseBenchOptions, UsageError } from './bench-options.js';

describe('parseBenchOptions', () => {
  it('runs everything by default with at least 5 timed rounds', () => {
    const options = parseBenchOptions([]);
    expect(options).toMatchObject({ quick: false, backend: 'auto', only: [], mc: true });
    expect(options.repetitions).toBeGreaterThanOrEqual(5);
  });

  it('--quick runs fewer rounds but keeps at least 5', () => {
    const quick = parseBenchOptions(['--quick']);
    expect(quick.repetitions).toBeLessThan(parseBenchOptions([]).repetitions);
    expect(quick.repetitions).toBeGreaterThanOrEqual(5);
  });

  it('reads the backend, contenders and counts', () => {
    const options = parseBenchOptions(['--backend', 'cpu', '--only', 'plain,pytorch', '--no-mc']);
    expect(options).toMatchObject({ backend: 'cpu', only: ['plain', 'pytorch'], mc: false });
    expect(options.profile).toBe(false);
    expect(parseBenchOptions(['--profile', '--only', 'bbb']).profile).toBe(true);
    expect(options.profileSteps).toBe(1);
    expect(parseBenchOptions(['--profile', '--profile-steps', '8']).profileSteps).toBe(8);
    expect(options.size).toBe(200);
    expect(parseBenchOptions(['--size', '650']).size).toBe(650);
    expect(() => parseBenchOptions(['--size', '0'])).toThrow(
      "--size must be an integer ≥ 1, got '0'",
    );
  });

  it('refuses unknown flags and bad counts', () => {
    expect(() => parseBenchOptions(['--fast'])).toThrow(UsageError);
    expect(() => parseBenchOptions(['--repetitions', '0'])).toThrow(UsageError);
    expect(() => parseBenchOptions(['--profile-steps', '0'])).toThrow(
      "--profile-steps must be an integer ≥ 1, got '0'",
    );
  });
});
