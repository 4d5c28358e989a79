/** A `WebAssembly.Memory`, typed here: the packages' `lib` does not declare WebAssembly. */
export interface TestLinearMemory {
  readonly buffer: ArrayBufferLike;
}

const Memory = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (limits: {
        initial: number;
        maximum?: number;
        shared?: boolean;
      }) => TestLinearMemory;
    };
  }
).WebAssembly.Memory;

/**
 * A fresh linear memory of `pages` 64 KiB pages for running a kernel module outside tfjs:
 * plain like tfjs-backend-wasm's single-threaded build, or shared like its threaded one.
 */
export function wasmTestMemory(
  pages: number,
  kind: 'plain' | 'shared' = 'plain',
): TestLinearMemory {
  return kind === 'shared'
    ? new Memory({ initial: pages, maximum: 2 * pages, shared: true })
    : new Memory({ initial: pages });
}
