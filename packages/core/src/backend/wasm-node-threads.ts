import * as tf from '@tensorflow/tfjs-core';

/**
 * Lets `@tensorflow/tfjs-backend-wasm` run its threaded SIMD build in Node, where tfjs 4.22
 * leaves it off (tfjs#3830). Four things stand in its way, and each is mended here, at the
 * narrowest point that works:
 *
 * 1. tfjs hands Emscripten its pthread worker as a `blob:` URL, which Node's
 *    `worker_threads.Worker` rejects (`ERR_WORKER_PATH`). We subclass `Worker` so that a
 *    `blob:` URL starts the same worker source (exported by tfjs as `wasmWorkerContents`)
 *    with `eval: true`; every other URL is passed through untouched.
 * 2. Emscripten's `load` message tells each worker to `importScripts` the main script, given
 *    as a `Blob` that the worker's Node `importScripts` (`fs.readFileSync`) cannot read. The
 *    subclass swaps it for the path of the same script in tfjs's package.
 * 3. Emscripten refs the worker of every running pthread, and the pool's threads never end,
 *    so Node would never exit; the subclass's `ref` does nothing.
 * 4. The backend sizes its XNNPACK pool as *logical cores / 2* (assuming hyper-threading),
 *    which is 1 on a 2-core machine. While the backend initialises, `os.cpus()` reports the
 *    cores twice over, so the pool gets one thread per core; it is restored straight after.
 *
 * Results do not change: XNNPACK splits a matmul by output tiles, so every output element is
 * summed in the same order on one thread (`wasm-node-threads.test.ts` checks it bit for bit).
 */

/** The option and environment values that switch threads off. */
const OFF_VALUES = new Set(['0', '1', 'off', 'false', 'no']);

/** Outside Node this module changes nothing: tfjs decides about threads in browsers. */
const NOT_NODE = { threads: 1, reason: 'not Node (tfjs decides in browsers)' } as const;

/** Where {@link resolveWasmThreads} found its answer, for the backend log line. */
export interface WasmThreadsChoice {
  /** Threads for the XNNPACK pool; 1 means the single-threaded build. */
  readonly threads: number;
  /** Why: `BAYESRNN_WASM_THREADS=…`, `one per core`, `not Node`, …. */
  readonly reason: string;
}

/**
 * How many threads the wasm backend should use: `BAYESRNN_WASM_THREADS` (`off`, `1`, or a
 * count) when set, else one per core in Node with `SharedArrayBuffer`, else 1.
 */
export function resolveWasmThreads(
  env: Readonly<Record<string, string | undefined>>,
  cores: number,
): WasmThreadsChoice {
  const raw = env.BAYESRNN_WASM_THREADS?.trim().toLowerCase();
  if (raw !== undefined && raw !== '' && raw !== 'auto') {
    if (OFF_VALUES.has(raw)) return { threads: 1, reason: `BAYESRNN_WASM_THREADS=${raw}` };
    const count = Number(raw);
    if (!Number.isInteger(count) || count < 1 || count > 8) {
      throw new Error(
        `bayesrnn: BAYESRNN_WASM_THREADS must be 'auto', 'off' or a whole number from 1 to 8 ` +
          `(tfjs-backend-wasm's pool holds 8 workers); got '${env.BAYESRNN_WASM_THREADS}'`,
      );
    }
    if (count > 1 && !isNode()) return NOT_NODE;
    return { threads: count, reason: `BAYESRNN_WASM_THREADS=${raw}` };
  }
  if (!isNode()) return NOT_NODE;
  if (typeof SharedArrayBuffer === 'undefined') {
    return { threads: 1, reason: 'no SharedArrayBuffer' };
  }
  return { threads: Math.min(Math.max(cores, 1), 8), reason: 'one per core' };
}

/** Whether this runs in Node (where `worker_threads` and these patches exist). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Runs `init` (which starts the wasm backend) with Node prepared for the threaded build: tfjs
 * told to use it with `threads` threads, `worker_threads.Worker` and `os.cpus` patched as the
 * module doc says, and both restored when `init` settles. Emscripten keeps the `Worker` class
 * it saw at start-up for every pthread it makes later, so nothing stays patched for anyone
 * else.
 */
export async function initWasmWithNodeThreads<T>(
  threads: number,
  init: () => Promise<T>,
): Promise<T> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const os = require('node:os') as typeof import('node:os');
  const scriptPath = require.resolve(
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
  );
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const { Worker } = workerThreads;
  const { cpus } = os;
  workerThreads.Worker = pthreadWorkerClass(Worker, wasmWorkerContents, scriptPath);
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    return await init();
  } finally {
    workerThreads.Worker = Worker;
    os.cpus = cpus;
  }
}

type WorkerClass = typeof import('node:worker_threads').Worker;

/** `Worker` that starts tfjs's `blob:` pthread worker from source (see the module doc). */
function pthreadWorkerClass(Base: WorkerClass, source: string, scriptPath: string): WorkerClass {
  // The source holds `\n` escapes that a template literal turned into newlines inside string
  // literals; tfjs re-escapes them the same way before making its Blob.
  const evalSource = source.replace(/\n/g, '\\n');
  return class PthreadWorker extends Base {
    constructor(url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      if (typeof url === 'string' && url.startsWith('blob:')) {
        super(evalSource, { ...options, eval: true });
      } else {
        super(url, options);
      }
    }

    /**
     * Emscripten refs a worker while it runs a pthread, and XNNPACK's pool threads run for
     * the life of the backend, so they would keep Node from ever exiting. The main thread
     * waits for them synchronously inside each kernel, never through the event loop, so no
     * pthread needs to hold the process open.
     */
    override ref(): void {}

    override postMessage(
      message: unknown,
      transfer?: readonly import('node:worker_threads').TransferListItem[],
    ): void {
      const load = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
      const swapped =
        load !== null && load.cmd === 'load' && typeof load.urlOrBlob !== 'string'
          ? { ...load, urlOrBlob: scriptPath }
          : message;
      super.postMessage(swapped, transfer);
    }
  };
}
