import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { guardWasmAbort, WasmAbortedError } from './wasm-abort-guard.js';

checkLeaksAfterEachTest();

/** Emscripten's `abort` as tfjs-backend-wasm's release build has it: onAbort first, then throw. */
function emscriptenLikeModule(heapBytes: number) {
  const printed: string[] = [];
  const module: { _malloc: () => number; onAbort?: (what: unknown) => void; wasmMemory: object } = {
    _malloc: () => 8,
    wasmMemory: { buffer: { byteLength: heapBytes } },
  };
  const abort = (what: string) => {
    module.onAbort?.(what);
    printed.push(`Aborted(${what})`);
    throw new Error(`RuntimeError: Aborted(${what}). Build with -sASSERTIONS for more info.`);
  };
  return { module, abort, printed };
}

describe('guardWasmAbort on an Emscripten-shaped module', () => {
  it('throws its own error, with the heap full, before Emscripten prints or throws', () => {
    const { module, abort, printed } = emscriptenLikeModule(2 ** 32 - 2 ** 20);
    expect(guardWasmAbort({ wasm: module })).toBe(true);
    let thrown: unknown;
    try {
      abort('');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WasmAbortedError);
    const error = thrown as WasmAbortedError;
    expect(error.code).toBe('WASM_ABORTED');
    expect(error.reason).toBe('');
    expect(error.heapBytes).toBe(2 ** 32 - 2 ** 20);
    expect(error.message).toMatch(/aborted inside a kernel with its heap full \(4\.00 GiB of/);
    expect(error.message).toMatch(/allocation inside the kernel did not fit.*tfjs-node/);
    expect(printed).toEqual([]);
  });

  it('says when the heap is not full, and passes the reason on', () => {
    const { module, abort } = emscriptenLikeModule(2 ** 30);
    guardWasmAbort({ wasm: module });
    expect(() => abort('bad things')).toThrow(
      /its heap at 1\.00 GiB of 4 GiB, so not for want of memory; \d+ tensors are alive; its reason: bad things/,
    );
  });

  it('runs a handler already installed first, wraps once, and leaves other objects alone', () => {
    const { module, abort } = emscriptenLikeModule(2 ** 30);
    const seen: unknown[] = [];
    module.onAbort = (what) => seen.push(what);
    guardWasmAbort({ wasm: module });
    const installed = module.onAbort;
    expect(guardWasmAbort({ wasm: module })).toBe(true);
    expect(module.onAbort).toBe(installed);
    expect(() => abort('x')).toThrow(WasmAbortedError);
    expect(seen).toEqual(['x']);
    expect(guardWasmAbort({})).toBe(false);
    expect(guardWasmAbort({ wasm: {} })).toBe(false);
  });
});
