import type { JsonValue } from '@bayesrnn/core';
import type { EarlyStoppingState } from './early-stopping.js';
import type { EpochTotals } from './epoch-totals.js';

/** `format` of a training checkpoint's metadata; anything else was not written by `train`. */
export const TRAIN_CHECKPOINT_FORMAT = 'bayesrnn-train';

/** Bump on any change an older reader would misread. */
export const TRAIN_CHECKPOINT_VERSION = 1;

/** Why a finished run stopped (stored, so resuming a finished run does not train again). */
export type FinishReason = 'completed' | 'early-stopped';

/**
 * Everything besides tensors that a resumed run needs to continue bit-identically: where it
 * is, the run key, the early-stopping counters, the epoch's running sums, and how much of the
 * JSONL log belongs to the run up to this point.
 */
export type TrainCheckpointMetadata = {
  readonly format: typeof TRAIN_CHECKPOINT_FORMAT;
  readonly formatVersion: typeof TRAIN_CHECKPOINT_VERSION;
  readonly optimizer: string;
  readonly windowsPerEpoch: number;
  /** The run key's two words (`RngKey.words`). */
  readonly key: readonly [number, number];
  /** Zero-based epoch and window of the next step. */
  readonly epoch: number;
  readonly window: number;
  /** Steps completed. */
  readonly step: number;
  readonly finished: FinishReason | null;
  readonly earlyStopping: EarlyStoppingState;
  readonly totals: EpochTotals;
  /** Bytes of `log.jsonl` written up to this checkpoint; a resume truncates the log here. */
  readonly logPosition: number;
  /** Training wall time before this checkpoint, summed over earlier processes. */
  readonly elapsedSeconds: number;
  readonly lastFiniteLoss: number | null;
};

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads typed fields of one JSON object, failing with the checkpoint and field named. */
function reader(raw: JsonValue | undefined, where: string, dir: string) {
  const fail = (key: string, why: string): Error =>
    new Error(`Checkpoint ${dir}: metadata ${where}${key} ${why}; not a train checkpoint?`);
  if (!isObject(raw)) throw fail('', 'is not an object');
  const count = (key: string): number => {
    const value = raw[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw fail(key, 'is not a non-negative integer');
    }
    return value;
  };
  const number = (key: string): number => {
    const value = raw[key];
    if (typeof value !== 'number') throw fail(key, 'is not a number');
    return value;
  };
  const nullable = <T>(key: string, read: (key: string) => T): T | null =>
    raw[key] === null ? null : read(key);
  return { raw, fail, count, number, nullable };
}

function parseTotals(raw: JsonValue | undefined, dir: string): EpochTotals {
  const read = reader(raw, 'totals.', dir);
  const partsRaw = read.raw.partSums;
  if (!isObject(partsRaw)) throw read.fail('partSums', 'is not an object');
  const partSums: Record<string, number> = {};
  for (const name of Object.keys(partsRaw)) {
    partSums[name] = reader(partsRaw, 'totals.partSums.', dir).number(name);
  }
  return {
    windows: read.count('windows'),
    tokens: read.number('tokens'),
    lossSum: read.number('lossSum'),
    weightSum: read.number('weightSum'),
    partSums,
    nllSum: read.number('nllSum'),
  };
}

function parseEarlyStopping(raw: JsonValue | undefined, dir: string): EarlyStoppingState {
  const read = reader(raw, 'earlyStopping.', dir);
  return {
    best: read.nullable('best', read.number),
    bestEpoch: read.nullable('bestEpoch', read.count),
    bestStep: read.nullable('bestStep', read.count),
    badEpochs: read.count('badEpochs'),
  };
}

/** Checks and types the metadata of a training checkpoint in `dir`. */
export function parseTrainMetadata(raw: JsonValue, dir: string): TrainCheckpointMetadata {
  const read = reader(raw, '', dir);
  const { format, formatVersion, optimizer, key, finished } = read.raw;
  if (format !== TRAIN_CHECKPOINT_FORMAT) throw read.fail('format', `is ${JSON.stringify(format)}`);
  if (formatVersion !== TRAIN_CHECKPOINT_VERSION) {
    throw read.fail('formatVersion', `is ${JSON.stringify(formatVersion)}, this code reads 1`);
  }
  if (typeof optimizer !== 'string') throw read.fail('optimizer', 'is not a string');
  const words = Array.isArray(key) ? key : [];
  const [word0, word1] = words;
  if (words.length !== 2 || typeof word0 !== 'number' || typeof word1 !== 'number') {
    throw read.fail('key', 'is not two words');
  }
  if (finished !== null && finished !== 'completed' && finished !== 'early-stopped') {
    throw read.fail('finished', 'is not null, "completed" or "early-stopped"');
  }
  return {
    format: TRAIN_CHECKPOINT_FORMAT,
    formatVersion: TRAIN_CHECKPOINT_VERSION,
    optimizer,
    windowsPerEpoch: read.count('windowsPerEpoch'),
    key: [word0, word1],
    epoch: read.count('epoch'),
    window: read.count('window'),
    step: read.count('step'),
    finished,
    earlyStopping: parseEarlyStopping(read.raw.earlyStopping, dir),
    totals: parseTotals(read.raw.totals, dir),
    logPosition: read.count('logPosition'),
    elapsedSeconds: read.number('elapsedSeconds'),
    lastFiniteLoss: read.nullable('lastFiniteLoss', read.number),
  };
}
