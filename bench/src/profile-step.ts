import * as tf from '@tensorflow/tfjs-core';
import type { Contender } from './contender.js';
import { withKernelErrorsThrown } from './profile-kernel-errors.js';
import type { BenchShape } from './shape.js';

/** One kernel name's share of a profiled step (a mean over the profiled steps). */
export interface KernelShare {
  readonly kernel: string;
  readonly calls: number;
  readonly milliseconds: number;
  /**
   * A custom op (`tf.customGrad`, shown under its scope's name, e.g. "unnamed scope") rather
   * than a kernel: its time includes the kernels it ran, which have rows of their own.
   */
  readonly composite: boolean;
}

/** What `profileStep` measured for one contender: means per step over `steps` steps. */
export interface StepProfile {
  readonly contender: string;
  readonly steps: number;
  /** Wall-clock time of a profiled step (includes the profiler's own overhead). */
  readonly wallMilliseconds: number;
  /** Sum of the backend's kernel times (composites aside); the rest of the wall time ran in JavaScript. */
  readonly kernelMilliseconds: number;
  /** Kernels by name, the most expensive first. */
  readonly kernels: readonly KernelShare[];
}

/**
 * Profiles `steps` training steps of an in-process contender kernel by kernel (`tf.profile`),
 * after `warmup` untimed steps, and gives the means per step: one step's kernels vary by 10%
 * or more from step to step here. Kernel times are the backend's own (`backend.time`); on wasm
 * and cpu they are synchronous wall-clock times of each kernel. What is not in a kernel (JS
 * random numbers, tensor creation, tape bookkeeping) shows as the wall − kernel gap. A custom
 * op (`tf.customGrad`) is listed, but left out of the kernel time: its kernels are counted in
 * their own rows.
 */
export async function profileStep(
  contender: Contender,
  shape: BenchShape,
  warmup = 1,
  steps = 1,
): Promise<StepProfile> {
  if (!contender.inProcess) {
    throw new Error(`profile: ${contender.name} runs in another process; tf.profile cannot see it`);
  }
  const prepared = await contender.setup(shape);
  try {
    for (let i = 0; i < warmup; i += 1) await prepared.step();
    const byName = new Map<string, { calls: number; milliseconds: number }>();
    let wall = 0;
    for (let i = 0; i < steps; i += 1) {
      const started = performance.now();
      const info = await withKernelErrorsThrown(() =>
        tf.profile(async () => {
          await prepared.step();
        }),
      );
      wall += performance.now() - started;
      for (const kernel of info.kernels) {
        const time = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
        const entry = byName.get(kernel.name) ?? { calls: 0, milliseconds: 0 };
        entry.calls += 1;
        entry.milliseconds += time;
        byName.set(kernel.name, entry);
      }
    }
    const kernels = [...byName]
      .map(([kernel, { calls, milliseconds }]) => ({
        kernel,
        calls: calls / steps,
        milliseconds: milliseconds / steps,
        composite: tf.getKernel(kernel, tf.getBackend()) === undefined,
      }))
      .sort((a, b) => b.milliseconds - a.milliseconds);
    // A composite's time is its kernels' time again: counting it would count them twice.
    const kernelMilliseconds = kernels
      .filter((k) => !k.composite)
      .reduce((sum, k) => sum + k.milliseconds, 0);
    const wallMilliseconds = wall / steps;
    return { contender: contender.name, steps, wallMilliseconds, kernelMilliseconds, kernels };
  } finally {
    await prepared.dispose();
  }
}

/** The profile as a Markdown table: the `top` kernels, then the JS gap. */
export function renderProfile(profile: StepProfile, top = 25): string {
  const rows = profile.kernels
    .slice(0, top)
    .map(
      (k) =>
        `| ${k.composite ? `${k.kernel} (custom op: its kernels have their own rows)` : k.kernel} | ${Number(k.calls.toFixed(2))} | ${k.milliseconds.toFixed(1)} | ${((100 * k.milliseconds) / profile.wallMilliseconds).toFixed(1)} |`,
    );
  const gap = profile.wallMilliseconds - profile.kernelMilliseconds;
  return [
    `### ${profile.contender}: ${profile.wallMilliseconds.toFixed(0)} ms wall, ${profile.kernelMilliseconds.toFixed(0)} ms in kernels${profile.steps === 1 ? '' : ` (means of ${profile.steps} steps)`}`,
    '',
    '| kernel | calls | ms | % of wall |',
    '| --- | --- | --- | --- |',
    ...rows,
    `| (outside kernels: JS, tensor creation, tape) | – | ${gap.toFixed(1)} | ${((100 * gap) / profile.wallMilliseconds).toFixed(1)} |`,
  ].join('\n');
}
