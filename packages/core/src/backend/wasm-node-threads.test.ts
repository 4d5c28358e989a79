import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { configureWasmGemm } from './wasm-gemm-settings.js';
import { resolveWasmThreads } from './wasm-node-threads.js';

describe('resolveWasmThreads', () => {
  it('uses one thread per core in Node by default, capped at the pool of 8', () => {
    expect(resolveWasmThreads({}, 2)).toEqual({ threads: 2, reason: 'one per core' });
    expect(resolveWasmThreads({ BAYESRNN_WASM_THREADS: 'auto' }, 4).threads).toBe(4);
    expect(resolveWasmThreads({}, 64).threads).toBe(8);
  });

  it('honours BAYESRNN_WASM_THREADS: off, or a count', () => {
    for (const off of ['off', '0', '1', 'false', ' OFF ']) {
      expect(resolveWasmThreads({ BAYESRNN_WASM_THREADS: off }, 2).threads).toBe(1);
    }
    expect(resolveWasmThreads({ BAYESRNN_WASM_THREADS: '3' }, 2)).toEqual({
      threads: 3,
      reason: 'BAYESRNN_WASM_THREADS=3',
    });
  });

  it('rejects a value it cannot use, naming the variable and what it accepts', () => {
    for (const bad of ['two', '9', '1.5', '-2']) {
      expect(() => resolveWasmThreads({ BAYESRNN_WASM_THREADS: bad }, 2)).toThrow(
        `BAYESRNN_WASM_THREADS must be 'auto', 'off' or a whole number from 1 to 8 (tfjs-backend-wasm's pool holds 8 workers); got '${bad}'`,
      );
    }
  });
});

/** A deterministic matrix that needs no RNG: the same bytes in this process and a child. */
const MATRIX_SOURCE = `(rows, cols, phase) => { const v = new Float32Array(rows * cols);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 0.37 + phase) * 0.5; return v; }`;
const matrix = new Function(`return ${MATRIX_SOURCE}`)() as (
  rows: number,
  cols: number,
  phase: number,
) => Float32Array;

/**
 * The product tfjs's own single-threaded wasm backend gives (tfjs leaves threads off in Node),
 * computed in a child process so that this process keeps its threaded backend.
 */
function singleThreadedProductHash(): string {
  const script = `
    const tf = require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-wasm');
    const matrix = ${MATRIX_SOURCE};
    tf.setBackend('wasm').then(() => {
      const a = tf.tensor2d(matrix(96, 200, 0), [96, 200]);
      const b = tf.tensor2d(matrix(200, 3000, 1), [200, 3000]);
      const threads = require('@tensorflow/tfjs-backend-wasm').getThreadsCount();
      process.stdout.write(JSON.stringify({ threads,
        sha256: require('node:crypto').createHash('sha256')
          .update(tf.matMul(a, b).dataSync()).digest('hex') }));
    });`;
  const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const { threads, sha256 } = JSON.parse(output) as { threads: number; sha256: string };
  expect(threads).toBe(1);
  return sha256;
}

describe('wasm with threads in Node', () => {
  it('runs one thread per core, says so, and leaves no tensors behind', async () => {
    const lines: string[] = [];
    const info = await selectBackend({ name: 'wasm', env: {}, log: (line) => lines.push(line) });
    const cores = Math.min(availableParallelism(), 8);
    expect(info).toMatchObject({ name: 'wasm', simd: true, threadCount: cores });
    expect(info.threads).toBe(cores > 1);
    expect(lines[0]).toContain(`${cores} thread${cores === 1 ? '' : 's'}: one per core`);
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    // The patches (on the CommonJS objects tfjs reads) lasted only while the backend started.
    const require = createRequire(import.meta.url);
    expect(require('node:worker_threads').Worker.name).toBe('Worker');
    expect(require('node:os').cpus().length).toBe(availableParallelism());
  });

  it('multiplies bit for bit as the single-threaded backend does', async () => {
    await selectBackend({ name: 'wasm', env: {}, log: () => {} });
    const before = tf.memory().numTensors;
    // The plain SIMD gemm sums as XNNPACK does; the fused build (Node ≥ 22) rounds once per
    // term, so this comparison of threaded against single-threaded runs without it.
    const previous = configureWasmGemm({ fusedMultiplyAdd: false });
    const product = tf.tidy(() => {
      const a = tf.tensor2d(matrix(96, 200, 0), [96, 200]);
      const b = tf.tensor2d(matrix(200, 3000, 1), [200, 3000]);
      return tf.matMul(a, b).dataSync();
    });
    configureWasmGemm(previous);
    const hash = createHash('sha256').update(product).digest('hex');
    expect(hash).toBe(singleThreadedProductHash());
    expect(tf.memory().numTensors).toBe(before);
  });
});
