export { type CapturedRun, captureOutput } from './capture-output.js';
export { expectClose } from './expect-close.js';
export { decode, decodeAll, type EncodedTensor } from './fixture-tensors.js';
export { decayIntoSubnormals, expectFlushedDecay } from './flush-to-zero.js';
export {
  checkGradients,
  expectGradientsMatch,
  type GradientCheckOptions,
  type GradientCheckReport,
  type GradientEntry,
  type NamedScalarFn,
} from './gradient-check.js';
export { kernelSourceSha256 } from './kernel-source.js';
export { countNewTensors, expectNoLeaks } from './leak-check.js';
export { checkLeaksAfterEachTest } from './leak-check-each-test.js';
export { TOLERANCES, type Tolerance } from './tolerances.js';
export { variableFiniteDifferences } from './variable-finite-differences.js';
export { type TestLinearMemory, wasmTestMemory } from './wasm-memory.js';
