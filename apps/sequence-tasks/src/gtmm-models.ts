import type { GtmmConfig } from '@bayesrnn/gtmm';
import {
  createDncMemory,
  createIntrospectiveMemory,
  createLruMemory,
  createNtmMemory,
} from '@bayesrnn/memory';

/** The models Gemici et al. (2017) compare: the VRNN baseline and four memory GTMMs. */
export const GTMM_MODELS = ['vrnn', 'introspective', 'ntm', 'lru', 'dnc'] as const;
export type GtmmModelName = (typeof GTMM_MODELS)[number];

/** Sizes shared by every model of a comparison (papers.md §4.8). */
export interface GtmmSizes {
  readonly frameSize: number;
  readonly latentSize: number;
  readonly hiddenSize: number;
  readonly mlpSize: number;
  /** Frames per sequence, l + k: the introspective FIFO keeps that many. */
  readonly sequenceLength: number;
}

/** Read heads of every memory model: papers.md §4.8's R = 2. */
const READ_HEADS = 2;
/** Word size of the content memories (NTM, LRU, DNC): twice the latent, room for [h; z] codes. */
const CONTENT_WORD_FACTOR = 2;

/**
 * The model's config: no memory (VRNN); the introspective FIFO of l + k slots storing z_t
 * itself; or a content memory with one slot per frame and words of 2 × latentSize written
 * from a linear map of [h_t; z_t] (papers.md §4.4's default; the paper's sizes are unknown).
 */
export function gtmmConfigFor(model: GtmmModelName, sizes: GtmmSizes): Partial<GtmmConfig> {
  const { sequenceLength, latentSize, ...rest } = sizes;
  const base = { ...rest, latentSize };
  const slots = { memorySize: sequenceLength, numReads: READ_HEADS };
  const wordSize = CONTENT_WORD_FACTOR * latentSize;
  switch (model) {
    case 'vrnn':
      return base;
    case 'introspective':
      return {
        ...base,
        memory: createIntrospectiveMemory({ ...slots, wordSize: latentSize }),
        latentWrite: true,
      };
    case 'ntm':
      return { ...base, memory: createNtmMemory({ ...slots, wordSize }) };
    case 'lru':
      return { ...base, memory: createLruMemory({ ...slots, wordSize }) };
    case 'dnc':
      return { ...base, memory: createDncMemory({ ...slots, wordSize }) };
  }
}
