/**
 * What a backend reports about itself once active, for {@link BackendInfo} and the log line.
 * `wasm` fills the CPU fields, `webgpu` the device; an absent field means "not applicable".
 */
export interface BackendFeatures {
  /** The device it runs on, where the backend can name it (webgpu: the GPU adapter). */
  readonly device?: string;
  /** Whether the backend runs WebAssembly SIMD code. */
  readonly simd?: boolean;
  /** Whether the backend runs on more than one thread. */
  readonly threads?: boolean;
  /** How many threads its kernels use, when it says. */
  readonly threadCount?: number;
  /** Why that many: `one per core`, `BAYESRNN_WASM_THREADS=off`, …. */
  readonly threadsReason?: string;
  /** Whether matrix products fuse their multiply-adds (wasm: the relaxed-SIMD gemm). */
  readonly fusedMultiplyAdd?: boolean;
  /** Why not, when they do not: e.g. the engine lacks relaxed SIMD. */
  readonly fusedMultiplyAddReason?: string;
}

/**
 * One backend that `selectBackend` can try, in order.
 *
 * `load` imports whatever package provides the backend and registers it (and any kernel
 * fixes) with the tfjs engine; it rejects, with a reason a person can act on, when it cannot.
 * `selectBackend` then calls `tf.setBackend(name)`, so `name` must be the tfjs backend name
 * that `load` registers. Injecting a list lets tests and apps exercise the real fallback path
 * with a provider that really fails.
 */
export interface BackendProvider {
  /** The tfjs backend name: `tensorflow`, `wasm`, `cpu`, or a custom one. */
  readonly name: string;
  /** Imports and registers the backend; rejects when it is unavailable. */
  load(): Promise<void>;
  /**
   * Called after the backend is active (set and ready): may tune it, and reports its features.
   */
  activate?(): Promise<BackendFeatures>;
}
