export type { BackendFeatures, BackendProvider } from './backend/backend-provider.js';
export { createCpuProvider } from './backend/cpu-provider.js';
export {
  createDefaultBackendProviders,
  type DefaultBackendProvidersOptions,
} from './backend/default-backend-providers.js';
export { registerAllGradients } from './backend/register-gradients.js';
export {
  type BackendAttempt,
  type BackendInfo,
  type SelectBackendOptions,
  selectBackend,
} from './backend/select-backend.js';
export { createTensorflowProvider } from './backend/tensorflow-provider.js';
export { guardWasmAbort, WASM_ABORTED, WasmAbortedError } from './backend/wasm-abort-guard.js';
export { registerWasmFixes } from './backend/wasm-fixes.js';
export {
  configureWasmGemm,
  relaxedSimdAvailable,
  type WasmGemmOptions,
  wasmGemmSettings,
} from './backend/wasm-gemm-settings.js';
export {
  instantiateOnMemory,
  isWasmHeapBackend,
  kernelFunction,
  type LinearMemory,
  tensorFilledInPlace,
  WASM32_HEAP_BYTES,
  type WasmKernelExports,
  type WasmKernelModule,
  wasmHeapBlock,
  wasmHeapFloat32,
  wasmHeapMemory,
  wasmHeapOffset,
  wasmKernelExports,
} from './backend/wasm-heap.js';
export { guardWasmHeap, WASM_HEAP_FULL, WasmHeapFullError } from './backend/wasm-heap-guard.js';
export {
  DEFAULT_ANSWER_SPIN_MICROSECONDS,
  HeapHelperPool,
  type HeapJob,
  type HeapKernelCall,
  type HeapPartsCall,
  MIN_ELEMENTS_PER_THREAD,
} from './backend/wasm-heap-helpers.js';
export {
  DEFAULT_HELPER_SPIN_MICROSECONDS,
  type HeapHelperOptions,
  startHeapHelpers,
} from './backend/wasm-heap-helpers-start.js';
export {
  registerWasmHeapKernel,
  type WasmHeapKernelSpec,
  wasmHeapKernelFunc,
} from './backend/wasm-heap-kernel.js';
export {
  attachHeapHelpers,
  type HeapKernelArguments,
  heapHelpersFor,
  heapKernelParallelism,
  runHeapKernel,
  runHeapKernelBeside,
  runHeapKernelParts,
} from './backend/wasm-heap-run.js';
export { resolveWasmThreads, type WasmThreadsChoice } from './backend/wasm-node-threads.js';
export { heapKernelThreads, splitRange } from './backend/wasm-parts.js';
export { createWasmProvider, type WasmProviderOptions } from './backend/wasm-provider.js';
export { createWebgpuProvider } from './backend/webgpu-provider.js';
export type { ExpectedTensor } from './checkpoint/check-expectations.js';
export { CheckpointError, type CheckpointErrorCode } from './checkpoint/checkpoint-error.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointDType,
  type CheckpointManifest,
  type CheckpointTensorEntry,
} from './checkpoint/checkpoint-format.js';
export type { JsonValue } from './checkpoint/json-value.js';
export {
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
} from './checkpoint/load-checkpoint.js';
export {
  parseCheckpointManifest,
  readCheckpointManifest,
} from './checkpoint/read-checkpoint-manifest.js';
export {
  type SaveCheckpointOptions,
  type SavePhase,
  saveCheckpoint,
} from './checkpoint/save-checkpoint.js';
export { writeFileAtomic } from './checkpoint/write-file-atomic.js';
export {
  type ClippedGradients,
  clipByGlobalNorm,
  clipScale,
  globalGradientNorm,
} from './grad/clip-by-global-norm.js';
export { detach } from './grad/detach.js';
export { registerIdentityGradient } from './grad/identity-gradient.js';
export {
  type MatMulBiasOptions,
  matMulBias,
  registerMatMulBiasGradient,
} from './grad/mat-mul-bias.js';
export { stopGradient } from './grad/stop-gradient.js';
export { initWeights } from './init/init-weights.js';
export { constant, fans, glorotUniform, uniform, zeros } from './init/initializers.js';
export { orthogonal } from './init/orthogonal.js';
export { type NoiseKernelArguments, runNoiseKernel } from './random/noise-kernel.js';
export {
  fillStandardNormalBlocks,
  NORMAL_BLOCK,
  normalBlockCount,
  normalBlockParts,
} from './random/normal-blocks.js';
export { NORMAL_MODULE } from './random/normal-wasm.js';
export { randomPermutation } from './random/permutation.js';
export {
  bernoulliMask,
  fillStandardNormalArray,
  randomNormal,
  randomUniform,
  standardNormalArray,
} from './random/random-ops.js';
export {
  assertKey,
  blockKey,
  createKey,
  foldIn,
  keyToSeed,
  splitKey,
} from './random/rng-key.js';
export {
  countTree,
  disposeTree,
  flattenTree,
  type MappedTree,
  mapTree,
  type TreeLeaf,
} from './tree/tensor-tree.js';
export { tidyTree } from './tree/tidy-tree.js';
export { checkFinite, checkInRange, checkPositiveInteger } from './validate/option-checks.js';
export { checkShape, formatTensorShape } from './validate/tensor-shape-check.js';
