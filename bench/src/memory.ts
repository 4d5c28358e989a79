import * as tf from '@tensorflow/tfjs-core';
import { withKernelErrorsThrown } from './profile-kernel-errors.js';

/** Memory figures of one in-process contender, gathered as it runs. */
export interface MemoryTracker {
  /**
   * Runs `fn` (its setup or a step) and adds the tfjs bytes it left behind to the contender's
   * resident total. Only one contender runs at a time, so the difference is its own.
   */
  attribute<T>(fn: () => Promise<T>): Promise<T>;
  /** Samples the process RSS after a timed step. */
  afterStep(): void;
  /** Runs one (untimed) step under `tf.profile` and keeps its tensor high-water mark. */
  profile(step: () => Promise<void>): Promise<void>;
  figures(): { rssAfterStepBytes?: number; tfPeakBytes?: number; tfResidentBytes?: number };
}

/** A tracker that starts empty. */
export function createMemoryTracker(): MemoryTracker {
  let rss: number | undefined;
  let tfPeak: number | undefined;
  let resident = 0;
  let attributed = false;
  const max = (current: number | undefined, value: number) =>
    current === undefined ? value : Math.max(current, value);
  const tracker: MemoryTracker = {
    attribute: async (fn) => {
      const before = tf.memory().numBytes;
      try {
        return await fn();
      } finally {
        resident += tf.memory().numBytes - before;
        attributed = true;
      }
    },
    afterStep: () => {
      rss = max(rss, process.memoryUsage().rss);
    },
    profile: (step) =>
      tracker.attribute(async () => {
        const info = await withKernelErrorsThrown(() =>
          tf.profile(async () => {
            await step();
            return [];
          }),
        );
        // peakBytes is -Infinity when the step ran no kernel.
        if (Number.isFinite(info.peakBytes)) tfPeak = max(tfPeak, info.peakBytes);
      }),
    figures: () => ({
      ...(rss === undefined ? {} : { rssAfterStepBytes: rss }),
      ...(tfPeak === undefined ? {} : { tfPeakBytes: tfPeak }),
      ...(attributed ? { tfResidentBytes: resident } : {}),
    }),
  };
  return tracker;
}

/** This process's RSS high-water mark in bytes (`maxRSS` is in KiB). */
export function processPeakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
