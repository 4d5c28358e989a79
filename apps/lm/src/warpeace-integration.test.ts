import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { loadLmCorpus } from './corpus.js';
import { PRESETS } from './presets.js';
import { WARPEACE_FILE } from './warpeace-corpus.js';

// Reading and splitting the corpus makes no tensors; this keeps it so.
checkLeaksAfterEachTest();

/**
 * The gan-warpeace preset's corpus from the real War and Peace (../shared/data/warpeace or
 * $BAYESRNN_DATA): the character count SOURCES.md gives, the paper's 260/32/33 batches, and
 * the windows the trainer sees. In CI the file must be there, so a missing file fails;
 * elsewhere the test is skipped.
 */
const dataDir = process.env.BAYESRNN_DATA
  ? resolve(process.env.BAYESRNN_DATA, 'warpeace')
  : resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'warpeace');
const present = existsSync(join(dataDir, WARPEACE_FILE));

describe.runIf(present || process.env.CI)('War and Peace for gan-warpeace', () => {
  it("splits the book into the paper's batches and windows", async () => {
    expect(present, `War and Peace is missing from ${dataDir} (CI needs it)`).toBe(true);
    const preset = PRESETS['gan-warpeace'];
    if (preset === undefined) throw new Error('no gan-warpeace preset');
    const corpus = await loadLmCorpus(dataDir, preset.data, preset.training);
    // SOURCES.md: 3,258,227 characters with the BOM (dropped here), 84 distinct with it.
    expect(corpus.vocabulary.size).toBe(83);
    expect(corpus.tokens).toEqual({ train: 2_600_000, valid: 320_000, test: 330_000 });
    // 100 streams of 26,000 characters; a window needs its next character as a target.
    expect(corpus.train.windowsPerEpoch).toBe(259);
    expect(corpus.evaluation.valid.windowCount).toBe(32);
    const first = corpus.train.window(0);
    const opening = Array.from(first.inputs.subarray(0, 13), (id) => corpus.vocabulary.token(id));
    expect(opening.join('')).toBe('"Well, Prince');
    expect(corpus.vocabulary.has('\r')).toBe(true);
  });
});
