import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendProvider } from './backend-provider.js';
import { createCpuProvider } from './cpu-provider.js';
import { selectBackend } from './select-backend.js';
import { relaxedSimdAvailable } from './wasm-gemm-settings.js';

/** Whether a native tfjs package is installed here; the "unavailable" checks assume not. */
function isInstalled(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled =
  isInstalled('@tensorflow/tfjs-node') ||
  isInstalled('@tensorflow/tfjs-node-gpu') ||
  isInstalled('webgpu');

const NO_NATIVE =
  'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed (install one to use it)';
const NO_WEBGPU =
  "no navigator.gpu, and Dawn's webgpu package is not installed " +
  '(npm install webgpu @tensorflow/tfjs-backend-webgpu@4.22.0 to use it)';

/**
 * In Node the wasm backend runs one thread per core (wasm-node-threads.ts), at most 8, and
 * with more than one our own kernels split over as many (wasm-kernel-helpers.ts).
 */
const CORES = Math.min(availableParallelism(), 8);
const THREADS =
  CORES === 1
    ? '1 thread: one per core'
    : `${CORES} threads: one per core; bayesrnn kernels: ${CORES} threads`;

/** What the line says of fused multiply-adds: on where the engine runs relaxed SIMD. */
const FMA = relaxedSimdAvailable()
  ? 'FMA on'
  : 'FMA off: no relaxed SIMD (Node ≥ 22, or Node 20 with --experimental-wasm-relaxed-simd)';

/** Real providers that really fail, each in a way a user can meet. */
const throwingProvider: BackendProvider = {
  name: 'broken',
  load: async () => {
    throw new Error('native binding not built');
  },
};
const missingPackageProvider: BackendProvider = {
  name: 'missing',
  load: async () => {
    const specifier = '@bayesrnn/no-such-backend-package';
    await import(/* @vite-ignore */ specifier);
  },
};
const unregisteredProvider: BackendProvider = { name: 'unregistered', load: async () => {} };

function collectLog(): { lines: string[]; log: (message: string) => void } {
  const lines: string[] = [];
  return { lines, log: (message) => lines.push(message) };
}

checkLeaksAfterEachTest();

describe('selectBackend', () => {
  afterEach(async () => {
    vi.unstubAllEnvs();
    await tf.setBackend('cpu');
  });

  it('skips providers that throw, lists them in tried, and logs one line', async () => {
    const { lines, log } = collectLog();
    const providers = [throwingProvider, missingPackageProvider, unregisteredProvider];
    const info = await selectBackend({
      name: 'auto',
      providers: [...providers, createCpuProvider()],
      log,
    });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.reason).toBe('first available of broken, missing, unregistered, cpu');
    expect(info.tried.map((attempt) => attempt.name)).toEqual([
      'broken',
      'missing',
      'unregistered',
    ]);
    expect(info.tried[0]?.error).toBe('native binding not built');
    expect(info.tried[1]?.error).toMatch(/@bayesrnn\/no-such-backend-package/);
    expect(info.tried[2]?.error).toMatch(/unregistered/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^bayesrnn: backend cpu — broken unavailable: native binding not built; /,
    );
  });

  it.skipIf(nativeInstalled)(
    'auto: reports tensorflow and webgpu unavailable and lands on wasm',
    async () => {
      const { lines, log } = collectLog();
      const info = await selectBackend({ env: {}, log });
      expect(info).toMatchObject({
        name: 'wasm',
        simd: true,
        fusedMultiplyAdd: relaxedSimdAvailable(),
        threadCount: CORES,
      });
      expect(tf.getBackend()).toBe('wasm');
      expect(info.tried).toEqual([
        { name: 'tensorflow', error: NO_NATIVE },
        { name: 'webgpu', error: NO_WEBGPU },
      ]);
      expect(lines).toEqual([
        `bayesrnn: backend wasm (SIMD on, ${FMA}, ${THREADS}) — tensorflow unavailable: ${NO_NATIVE}; ` +
          `webgpu unavailable: ${NO_WEBGPU}`,
      ]);
    },
  );

  it('names the device a provider reports (webgpu: its GPU adapter) in the info and the line', async () => {
    const { lines, log } = collectLog();
    const cpu = createCpuProvider();
    const named: BackendProvider = { ...cpu, activate: async () => ({ device: 'Test GPU, acme' }) };
    const info = await selectBackend({ name: 'cpu', providers: [named], log });
    expect(info.device).toBe('Test GPU, acme');
    expect(lines).toEqual(['bayesrnn: backend cpu (on Test GPU, acme), requested by options.name']);
  });

  it('registers all gradients', async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
    const before = tf.memory().numTensors;
    const eye = tf.eye(2);
    const [dx] = tf.grads((x: tf.Tensor) => tf.sum(tf.matMul(x, x)))([eye]);
    expect(Array.from(dx?.dataSync() ?? [])).toEqual([2, 2, 2, 2]);
    tf.dispose([eye, dx as tf.Tensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an unknown name, listing the valid names', async () => {
    await expect(selectBackend({ name: 'gpu', log: () => {} })).rejects.toThrow(
      "bayesrnn: unknown backend 'gpu' (from options.name); valid names: auto, tensorflow, webgpu, wasm, cpu",
    );
  });

  it.skipIf(nativeInstalled)('rejects a named backend that cannot load, saying why', async () => {
    await expect(selectBackend({ name: 'tensorflow', log: () => {} })).rejects.toThrow(
      /^bayesrnn: backend 'tensorflow' \(requested by options.name\) cannot be used — tensorflow: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed .*--backend or BAYESRNN_BACKEND: auto, webgpu, wasm, cpu$/,
    );
    await expect(selectBackend({ name: 'webgpu', log: () => {} })).rejects.toThrow(
      `bayesrnn: backend 'webgpu' (requested by options.name) cannot be used — webgpu: ${NO_WEBGPU}`,
    );
    const providers = [throwingProvider, createCpuProvider()];
    await expect(selectBackend({ name: 'broken', providers, log: () => {} })).rejects.toThrow(
      'broken: native binding not built',
    );
  });

  it('honours BAYESRNN_BACKEND from options.env, and options.name over it', async () => {
    const { lines, log } = collectLog();
    const info = await selectBackend({ env: { BAYESRNN_BACKEND: 'wasm' }, log });
    expect(info).toMatchObject({
      name: 'wasm',
      reason: 'requested by BAYESRNN_BACKEND',
      tried: [],
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual([
      `bayesrnn: backend wasm (SIMD on, ${FMA}, ${THREADS}), requested by BAYESRNN_BACKEND`,
    ]);
    const named = await selectBackend({ name: 'cpu', env: { BAYESRNN_BACKEND: 'wasm' }, log });
    expect(named).toMatchObject({ name: 'cpu', reason: 'requested by options.name' });
    await expect(selectBackend({ env: { BAYESRNN_BACKEND: 'nope' }, log })).rejects.toThrow(
      /unknown backend 'nope' \(from BAYESRNN_BACKEND\)/,
    );
  });

  it('reads process.env by default', async () => {
    vi.stubEnv('BAYESRNN_BACKEND', ' WASM ');
    const info = await selectBackend({ log: () => {} });
    expect(info.name).toBe('wasm');
  });

  it('logs to stderr by default, not stdout', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    await selectBackend({ name: 'cpu' });
    expect(stderr).toHaveBeenCalledWith('bayesrnn: backend cpu, requested by options.name');
    stderr.mockRestore();
  });
});
