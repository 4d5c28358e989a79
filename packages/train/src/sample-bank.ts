import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainVariables } from './train-task.js';

/**
 * Which iterates of an SG-MCMC chain to keep (Gan et al. 2017 §2.5, papers.md §2.5): after
 * `burnIn` steps, one sample every `thinning` steps, at most `maxSamples` (the most recent).
 */
export interface SampleBankOptions {
  /** Steps before the first sample (e.g. 1–4 epochs of windows). */
  readonly burnIn: number;
  /** A sample every this many steps after burn-in (e.g. 100–500 updates). */
  readonly thinning: number;
  /** Keep at most this many, the most recent; default all. */
  readonly maxSamples?: number;
  /**
   * Also hold the samples as tensors for fast evaluation (memory grows with the count × the
   * weights); they are on disk either way. Default false.
   */
  readonly keepInMemory?: boolean;
}

/**
 * Thinned collection (Gan et al. 2017 §2.5: about 20 thinned samples capture most of the
 * gain of averaging): `burnIn` steps (default the first quarter of the run), then `samples`
 * evenly spaced over the remaining steps of a `totalSteps` run.
 */
export function thinnedSampleBank(
  totalSteps: number,
  options: { readonly burnIn?: number; readonly samples?: number } = {},
): SampleBankOptions {
  const burnIn = options.burnIn ?? Math.floor(totalSteps / 4);
  const samples = options.samples ?? 20;
  if (!(Number.isSafeInteger(samples) && samples >= 1))
    throw new RangeError(`thinnedSampleBank: samples must be an integer ≥ 1, got ${samples}`);
  if (!(Number.isSafeInteger(burnIn) && burnIn >= 0 && burnIn < totalSteps)) {
    throw new RangeError(
      `thinnedSampleBank: burnIn must be an integer in [0, ${totalSteps}) (the run's steps), got ${burnIn}`,
    );
  }
  return { burnIn, thinning: Math.max(1, Math.floor((totalSteps - burnIn) / samples)) };
}

/** The samples a chain has kept, on disk in `dir/step-<n>/` and optionally in memory. */
export interface SampleBank {
  readonly dir: string;
  readonly options: Required<SampleBankOptions>;
  /** Steps of the kept samples, oldest first. */
  steps(): readonly number[];
  /** Whether the iterate after step `step` (1-based) is a sample. */
  selects(step: number): boolean;
  /** Stores the variables' current values as the sample of `step` (atomically on disk). */
  collect(step: number, variables: TrainVariables): Promise<void>;
  /** The weights of the `index`-th kept sample (new tensors, the caller disposes them). */
  load(index: number): Promise<Weights>;
  /** Deletes samples past `step` (taken after the checkpoint a run resumes from) and reloads. */
  restore(step: number): Promise<void>;
  /** Deletes samples that fell out of the `maxSamples` window (call after a checkpoint). */
  prune(): Promise<void>;
  dispose(): void;
}

const PREFIX = 'step-';

function checkCount(value: number, what: string, min: number): void {
  const ok = (Number.isSafeInteger(value) && value >= min) || value === Infinity;
  if (!ok) throw new RangeError(`sample bank: ${what} must be an integer ≥ ${min}, got ${value}`);
}

async function stepsOnDisk(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(PREFIX))
    .map((name) => Number(name.slice(PREFIX.length)))
    .filter((step) => Number.isSafeInteger(step))
    .sort((a, b) => a - b);
}

/**
 * A sample bank in `dir`. Samples are written as checkpoints (float32, bit-exact on reload);
 * the list of samples is the directory itself, so it survives a kill. A resumed run calls
 * `restore(checkpointStep)`: samples taken after that checkpoint are deleted and will be taken
 * again, identically. Samples beyond `maxSamples` are deleted only at `prune`, which the trainer
 * calls after each checkpoint, so a resume never needs a sample that is gone.
 */
export function createSampleBank(dir: string, options: SampleBankOptions): SampleBank {
  const resolved = { maxSamples: Infinity, keepInMemory: false, ...options };
  checkCount(resolved.burnIn, 'burnIn', 0);
  checkCount(resolved.thinning, 'thinning', 1);
  checkCount(resolved.maxSamples, 'maxSamples', 1);
  let kept: number[] = [];
  const memory = new Map<number, Weights>();
  const path = (step: number) => join(dir, `${PREFIX}${String(step).padStart(8, '0')}`);
  const forget = (step: number) => {
    const weights = memory.get(step);
    if (weights !== undefined) tf.dispose(Object.values(weights));
    memory.delete(step);
  };
  const readStep = async (step: number): Promise<Weights> =>
    (await loadCheckpoint(path(step))).tensors as Weights;
  const visible = () => kept.slice(Math.max(0, kept.length - resolved.maxSamples));
  return {
    dir,
    options: resolved,
    steps: visible,
    selects: (step) => step > resolved.burnIn && (step - resolved.burnIn) % resolved.thinning === 0,
    async collect(step, variables) {
      await saveCheckpoint(path(step), variables, { step });
      kept.push(step);
      if (resolved.keepInMemory) {
        memory.set(
          step,
          Object.fromEntries(Object.entries(variables).map(([n, v]) => [n, tf.clone(v)])),
        );
        for (const old of kept.slice(0, Math.max(0, kept.length - resolved.maxSamples)))
          forget(old);
      }
    },
    async load(index) {
      const step = visible()[index];
      if (step === undefined)
        throw new RangeError(`sample bank: no sample ${index} (${visible().length} kept)`);
      const held = memory.get(step);
      if (held === undefined) return readStep(step);
      return Object.fromEntries(Object.entries(held).map(([n, t]) => [n, tf.clone(t)]));
    },
    async restore(step) {
      for (const old of [...memory.keys()]) forget(old);
      kept = [];
      for (const onDisk of await stepsOnDisk(dir)) {
        if (onDisk > step) await rm(path(onDisk), { recursive: true, force: true });
        else kept.push(onDisk);
      }
      if (resolved.keepInMemory) for (const s of visible()) memory.set(s, await readStep(s));
    },
    async prune() {
      const dropped = kept.slice(0, Math.max(0, kept.length - resolved.maxSamples));
      for (const old of dropped) {
        forget(old);
        await rm(path(old), { recursive: true, force: true });
      }
      kept = visible();
    },
    dispose() {
      for (const old of [...memory.keys()]) forget(old);
    },
  };
}

/** Opens the bank of a finished run for evaluation (all kept samples, from disk). */
export async function openSampleBank(dir: string): Promise<SampleBank> {
  const bank = createSampleBank(dir, { burnIn: 0, thinning: 1 });
  await bank.restore(Number.MAX_SAFE_INTEGER);
  return bank;
}
