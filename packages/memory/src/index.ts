export { COSINE_EPSILON, contentWeighting, cosineSimilarity } from './content-weighting.js';
export {
  type ControlActivation,
  type ControlLayout,
  type ControlSegment,
  controlWidth,
  parseControlVector,
} from './control-layout.js';
export {
  ALLOCATION_EPSILON,
  allocationWeighting,
  freeListPermutation,
} from './dnc-allocation.js';
export {
  createDncMemory,
  DEFAULT_DNC_MEMORY_CONFIG,
  type DncControl,
  type DncControlName,
  type DncMemory,
  type DncMemoryConfig,
  type DncState,
  dncControlLayout,
} from './dnc-memory.js';
export {
  type DirectionalWeightings,
  directionalWeightings,
  updateLinkMatrix,
  updatePrecedence,
} from './dnc-temporal-link.js';
export { retentionVector, updateUsage } from './dnc-usage.js';
export {
  createIntrospectiveMemory,
  DEFAULT_INTROSPECTIVE_MEMORY_CONFIG,
  type IntrospectiveControl,
  type IntrospectiveMemory,
  type IntrospectiveMemoryConfig,
  type IntrospectiveState,
} from './introspective-memory.js';
export { leastUsedWeightings } from './least-used.js';
export {
  createLruMemory,
  DEFAULT_LRU_MEMORY_CONFIG,
  type LruControl,
  type LruMemory,
  type LruMemoryConfig,
  type LruState,
} from './lru-memory.js';
export { concatenateHeads, eraseAndAdd, readWords } from './memory-access.js';
export {
  circularShift,
  interpolateWeighting,
  type NtmHeadControl,
  ntmAddressing,
  sharpenWeighting,
} from './ntm-addressing.js';
export {
  createNtmMemory,
  DEFAULT_NTM_MEMORY_CONFIG,
  type NtmControl,
  type NtmControlName,
  type NtmMemory,
  type NtmMemoryConfig,
  type NtmState,
  ntmControlLayout,
} from './ntm-memory.js';
