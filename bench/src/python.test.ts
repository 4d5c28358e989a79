import { describe, expect, it } from 'vitest';
import { pytorchScript } from './bench-root.js';
import { startLineProcess } from './line-process.js';
import { findTorchPython, pythonCandidates } from './python.js';

describe('pythonCandidates', () => {
  it('tries $BENCH_PYTHON first, then python3, then the system interpreter, once each', () => {
    expect(pythonCandidates({ BENCH_PYTHON: '/opt/py' })).toEqual([
      '/opt/py',
      'python3',
      '/usr/bin/python3',
    ]);
    expect(pythonCandidates({ BENCH_PYTHON: 'python3' })).toEqual(['python3', '/usr/bin/python3']);
  });

  it('finds no torch in an interpreter that does not exist', () => {
    expect(findTorchPython(['/nonexistent/python3'])).toBeUndefined();
  });
});

const python = findTorchPython();

describe.skipIf(python === undefined)('bench/pytorch/lm_step.py (serve mode, tiny shape)', () => {
  it.each(['plain', 'bbb'])(
    '%s: answers steps and ends with a summary naming torch, threads and BLAS',
    async (model) => {
      const tiny = [
        '--vocab',
        '50',
        '--embedding',
        '8',
        '--hidden',
        '8',
        '--batch',
        '2',
        '--steps',
        '3',
        '--model',
        model,
      ];
      const child = startLineProcess(python ?? 'python3', [pytorchScript(), '--serve', ...tiny]);
      try {
        expect((await child.next()).event).toBe('ready');
        child.send('step');
        const step = await child.next();
        expect(step.event).toBe('step');
        expect(typeof step.seconds).toBe('number');
        child.send('done');
        const summary = await child.next();
        expect(summary).toMatchObject({ event: 'summary', repetitions: 1, tokensPerStep: 6 });
        expect(summary).toHaveProperty('torchVersion');
        expect(summary).toHaveProperty('threads');
        expect(summary).toHaveProperty('blas.kind');
      } finally {
        child.close();
      }
    },
    60_000,
  );
});
