import {
  GEMM_WASM_PLAIN,
  GEMM_WASM_RELAXED_PLAIN,
  GEMM_WASM_RELAXED_SHARED,
  GEMM_WASM_SHARED,
} from './gemm-wasm.generated.js';
import { kernelModuleBytes, type WasmKernelModule } from './wasm-heap.js';

/** `wasm/gemm.c`: a SIMD matrix product that reads its operands in place (no packing). */
export const GEMM_MODULE: WasmKernelModule = Object.freeze({
  plain: GEMM_WASM_PLAIN,
  shared: GEMM_WASM_SHARED,
});

/**
 * `wasm/gemm.c` built with relaxed SIMD: each term of a sum is one `f32x4.relaxed_madd`, which
 * the engine fuses into one FMA instruction where the CPU has one (one rounding per term).
 */
export const GEMM_MODULE_FMA: WasmKernelModule = Object.freeze({
  plain: GEMM_WASM_RELAXED_PLAIN,
  shared: GEMM_WASM_RELAXED_SHARED,
});

/**
 * Multiply-adds per thread below which a product stays on one thread, by default: waking a
 * helper cost about 50 µs on the machine that set it (an AMD EPYC), the time of roughly 700k
 * multiply-adds there.
 */
const DEFAULT_MIN_WORK_PER_THREAD = 1 << 20;

/** How the wasm backend's matrix product runs (see {@link configureWasmGemm}). */
export interface WasmGemmOptions {
  /**
   * Multiply-adds each thread must get before a product is split over the heap's helper
   * threads (default 2^20 = 1,048,576). Machine-dependent: 2^23 keeps the LSTM's per-step
   * products ([20, 200] × [200, 800]: 3.2M) on one thread, which made those products alone
   * 10–30% faster on a 2-core Intel VM but left the training step as it was (docs/results.md).
   * `node bench/dist/experiments/gemm-split.js` measures both on your machine.
   */
  readonly minWorkPerThread?: number;
  /**
   * Whether products use the relaxed-SIMD build, whose multiply-adds are fused where the CPU
   * has FMA: 1.12–1.28× the speed of the plain build (a training step 9–15% faster on a 2-core
   * Intel Xeon), and each term rounded once instead of
   * twice (so results differ from the plain build in the last bits). Default: on when the
   * engine runs relaxed SIMD ({@link relaxedSimdAvailable}: Node ≥ 22, or Node 20 started with
   * `--experimental-wasm-relaxed-simd`), else off. `true` where it is unavailable throws.
   */
  readonly fusedMultiplyAdd?: boolean;
}

let minWorkPerThread = DEFAULT_MIN_WORK_PER_THREAD;
/** `undefined` until first asked: then whether the engine runs relaxed SIMD. */
let fusedMultiplyAdd: boolean | undefined;

/**
 * Whether this JavaScript engine compiles WebAssembly relaxed SIMD (it validates the relaxed
 * gemm module). Node 22 and later do; Node 20 only when started with
 * `--experimental-wasm-relaxed-simd`.
 */
export function relaxedSimdAvailable(): boolean {
  const api = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } })
    .WebAssembly;
  return api?.validate(kernelModuleBytes(GEMM_MODULE_FMA, false)) === true;
}

/** The settings every product now runs with. */
export function wasmGemmSettings(): Required<WasmGemmOptions> {
  return { minWorkPerThread, fusedMultiplyAdd: usesFusedMultiplyAdd() };
}

/** Whether products now run the relaxed-SIMD build (decided on first use, then kept). */
function usesFusedMultiplyAdd(): boolean {
  fusedMultiplyAdd ??= relaxedSimdAvailable();
  return fusedMultiplyAdd;
}

/** The gemm module products now run: {@link GEMM_MODULE_FMA} or {@link GEMM_MODULE}. */
export function activeGemmModule(): WasmKernelModule {
  return usesFusedMultiplyAdd() ? GEMM_MODULE_FMA : GEMM_MODULE;
}

/** Multiply-adds each thread must get before a product is split (`minWorkPerThread`). */
export function gemmMinWorkPerThread(): number {
  return minWorkPerThread;
}

/**
 * Sets how the wasm backend's matrix product runs, for every later product; an option left
 * out keeps its current value. Returns the settings that applied before, so a caller can
 * restore them.
 *
 * @throws RangeError naming the option when `minWorkPerThread` is not a positive integer, when
 * `fusedMultiplyAdd` is not a boolean, or when it is `true` and the engine lacks relaxed SIMD.
 */
export function configureWasmGemm(options: WasmGemmOptions): Required<WasmGemmOptions> {
  const previous = wasmGemmSettings();
  const nextWork = options.minWorkPerThread ?? minWorkPerThread;
  if (!Number.isSafeInteger(nextWork) || nextWork < 1) {
    throw new RangeError(
      `configureWasmGemm: minWorkPerThread must be a positive integer, got ${options.minWorkPerThread}`,
    );
  }
  const nextFma = options.fusedMultiplyAdd ?? previous.fusedMultiplyAdd;
  if (typeof nextFma !== 'boolean') {
    throw new RangeError(
      `configureWasmGemm: fusedMultiplyAdd must be true or false, got ${String(nextFma)}`,
    );
  }
  if (nextFma && !relaxedSimdAvailable()) {
    throw new RangeError(
      'configureWasmGemm: fusedMultiplyAdd needs WebAssembly relaxed SIMD, which this engine ' +
        'lacks (Node 22 and later have it; Node 20 with --experimental-wasm-relaxed-simd)',
    );
  }
  minWorkPerThread = nextWork;
  fusedMultiplyAdd = nextFma;
  return previous;
}
