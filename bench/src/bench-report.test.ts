import { describe, expect, it } from 'vitest';
import { buildReport, type ReportInput } from './bench-report.js';
import type { ContenderResult } from './contender-result.js';
import { measuredResult } from './contender-result.js';
import type { MachineInfo } from './machine.js';
import { renderMarkdown, renderTables } from './render-report.js';
import { PTB_SMALL_SHAPE } from './shape.js';

function ran(name: string, seconds: number[], details: Record<string, unknown> = {}) {
  return measuredResult({
    name,
    description: name,
    tokensPerStep: 400,
    samples: seconds,
    selfTimed: [],
    memory: { tfResidentBytes: 2 ** 20 },
    details,
  });
}

const pytorchDetails = {
  torchVersion: '1.13.0',
  threads: 1,
  python: '3.11.2',
  blas: { kind: 'OpenBLAS', loadedLibraries: ['/usr/lib/libopenblas.so'], openblasThreads: 2 },
};

function input(contenders: readonly ContenderResult[]): ReportInput {
  return {
    date: new Date('2026-01-02T03:04:05Z'),
    command: 'npm run bench',
    quick: false,
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      memoryBytes: 2 ** 30,
      platform: 'linux x64',
      loadAverage: 0.5,
      node: 'v20',
      tfjs: '4.22.0',
      backend: { name: 'wasm', simd: true, threads: false, reason: 'test' },
    },
    shape: PTB_SMALL_SHAPE,
    warmupRounds: 2,
    timedRounds: 5,
    contenders,
    processPeakRssBytes: 2 ** 30,
    mcEvaluation: null,
  };
}

describe('buildReport', () => {
  it('has the JSON shape: ratios (null when unmeasurable), machine, PyTorch and contenders', () => {
    const report = buildReport(
      input([
        ran('plain', [0.5, 0.6, 0.4]),
        ran('pytorch', [0.2, 0.2, 0.2], pytorchDetails),
        { name: 'tfjs-layers', description: 'x', status: 'failed', reason: 'boom' },
      ]),
    );
    const json = JSON.parse(JSON.stringify(report));
    expect(Object.keys(json.ratios).sort()).toEqual(
      [
        'bbbOverPlain',
        'oursOverPytorch',
        'oursOverTfjsLayers',
        'psgldOverRmsprop',
        'pytorchBbbOverPlain',
        'sharpenedOverPlain',
        'sharpenedRecurrentOverPlain',
      ].sort(),
    );
    expect(json.ratios.oursOverPytorch).toBeCloseTo(0.4);
    expect(json.ratios.oursOverTfjsLayers).toBeNull();
    expect(json.ratios.bbbOverPlain).toBeNull();
    // plain / pytorch of tokens/s: between 0.4 / 0.2 and 0.6 / 0.2 inverted, around 0.4.
    expect(json.ratioIntervals.oursOverPytorch.low).toBeGreaterThanOrEqual(1 / 3 - 1e-12);
    expect(json.ratioIntervals.oursOverPytorch.high).toBeLessThanOrEqual(0.5 + 1e-12);
    expect(json.ratioIntervals.bbbOverPlain).toBeNull();
    expect(json.pytorch).toEqual({
      version: '1.13.0',
      threads: 1,
      blas: 'OpenBLAS',
      blasLibraries: ['/usr/lib/libopenblas.so'],
      openblasThreads: 2,
      python: '3.11.2',
      device: 'cpu',
    });
    expect(json.machine.backend).toEqual({
      name: 'wasm',
      simd: true,
      threads: false,
      reason: 'test',
    });
    expect(json.contenders[0]).toMatchObject({
      name: 'plain',
      status: 'ok',
      stepSeconds: { median: 0.5, min: 0.4, max: 0.6 },
      tokensPerSecond: { median: 800 },
    });
    expect(json.settings.interleaving).toContain('round-robin');
    expect(json.mcEvaluation).toBeNull();
  });

  it('says when PyTorch did not run', () => {
    const report = buildReport(input([ran('plain', [0.5])]));
    expect(report.pytorch).toBeNull();
    expect(renderMarkdown(report)).toContain('PyTorch: not measured');
  });

  it('names the GPUs: the adapter of the backend and the CUDA device of PyTorch', () => {
    const gpuDetails = { ...pytorchDetails, device: 'NVIDIA H200' };
    const base = input([ran('plain', [0.5]), ran('pytorch', [0.25], gpuDetails)]);
    const backend = { name: 'webgpu', device: 'NVIDIA H200, nvidia, hopper', reason: 'test' };
    const markdown = renderMarkdown(
      buildReport({ ...base, machine: { ...base.machine, backend } }),
    );
    expect(markdown).toContain('backend **webgpu** (on NVIDIA H200, nvidia, hopper) — test');
    expect(markdown).toContain('(Python 3.11.2) on **NVIDIA H200**, 1 torch thread(s)');
  });

  it('names the thread count and why, when the backend reports them', () => {
    const base = input([ran('plain', [0.5])]);
    const backend = {
      ...base.machine.backend,
      threads: true,
      threadCount: 2,
      threadsReason: 'one per core',
    };
    const report = buildReport({ ...base, machine: { ...base.machine, backend } });
    expect(renderMarkdown(report)).toContain('(SIMD on, 2 threads: one per core)');
  });

  it('says whether the products fused their multiply-adds, and why not', () => {
    const base = input([ran('plain', [0.5])]);
    const withFma = (fma: Partial<MachineInfo['backend']>) =>
      renderMarkdown(
        buildReport({
          ...base,
          machine: { ...base.machine, backend: { ...base.machine.backend, ...fma } },
        }),
      );
    expect(withFma({ fusedMultiplyAdd: true })).toContain('(SIMD on, FMA on, threads off)');
    expect(
      withFma({ fusedMultiplyAdd: false, fusedMultiplyAddReason: 'no relaxed SIMD' }),
    ).toContain('(SIMD on, FMA off: no relaxed SIMD, threads off)');
  });

  it('renders the tables and RESULTS.md with the machine, versions and BLAS', () => {
    const report = buildReport(input([ran('plain', [0.5]), ran('pytorch', [0.2], pytorchDetails)]));
    const tables = renderTables(report);
    expect(tables).toContain('| plain');
    expect(tables).toContain('oursOverPytorch');
    expect(tables).toContain('| 95% interval');
    expect(tables).toMatch(/oursOverPytorch +\| 0\.40 +\| 0\.40–0\.40 /);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('Test CPU, 2 cores');
    expect(markdown).toContain('SIMD on, threads off');
    expect(markdown).toContain('BLAS: **OpenBLAS**');
    expect(markdown).toContain('`npm run bench`');
  });
});
