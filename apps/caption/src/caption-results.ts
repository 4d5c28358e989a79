import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { corpusBleu, corpusCiderD, corpusRougeL } from '@bayesrnn/metrics';
import {
  type CaptionDecoder,
  type CaptionEvaluationSource,
  type DecodedCaption,
  evaluateCaptionEnsemble,
  generateCaptions,
} from '@bayesrnn/models';
import type { Posterior, Weights } from '@bayesrnn/spec';
import { openSampleBank, type SampleBank, type TrainResult } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import type { CaptionData } from './caption-data.js';
import type { CaptionRunConfig } from './train-options.js';

/** Teacher-forced scores of a split: perplexity per word (`<eos>` counted) and its log. */
export interface PerplexityScore {
  readonly perplexity: number;
  readonly nll: number;
}

/** The test images captioned by beam search, scored against their five references. */
export interface CaptionScores {
  /** BLEU-1 … BLEU-4 (corpus level, ×100 as captioning papers print them). */
  readonly bleu: readonly number[];
  /** CIDEr-D (×100, likewise). */
  readonly ciderD: number;
  /** ROUGE-L, β = 1.2 (×100, likewise). */
  readonly rougeL: number;
  readonly beamSize: number;
  /** Models whose word probabilities were averaged: 1, or the last pSGLD samples. */
  readonly models: number;
  /** Distinct captions among the test images (1 for a blind decoder). */
  readonly distinctCaptions: number;
}

/** What one run measured, as written to `results.json`. */
export interface CaptionResults {
  readonly config: CaptionRunConfig;
  readonly counts: CaptionData['counts'];
  readonly vocabulary: number;
  readonly featureSize: number;
  readonly backend: string;
  readonly stopReason: TrainResult['stopReason'];
  readonly best: TrainResult['best'];
  /** RMSprop: the best epoch's weights; pSGLD: every kept sample averaged word by word. */
  readonly valid: PerplexityScore;
  readonly test: PerplexityScore;
  readonly captions: CaptionScores;
  /** pSGLD: the chain's last iterate alone, and each running average's test perplexity. */
  readonly lastIterate?: { readonly valid: PerplexityScore; readonly test: PerplexityScore };
  readonly samples?: {
    readonly steps: readonly number[];
    readonly averagedTestPerplexities: readonly number[];
  };
  /**
   * pSGLD: the last `decodeSamples` samples alone averaged (those the captions come from); a
   * chain still descending when sampling starts is better averaged over its last samples.
   */
  readonly lastSamples?: {
    readonly count: number;
    readonly valid: PerplexityScore;
    readonly test: PerplexityScore;
  };
  readonly trainingSeconds: number;
  readonly tokensPerSecond: number;
}

/** What `captionResults` needs from the run. */
export interface CaptionRun {
  readonly config: CaptionRunConfig;
  readonly data: CaptionData;
  readonly model: CaptionDecoder;
  readonly posterior: Posterior;
  readonly result: TrainResult;
  readonly outDir: string;
  readonly backend: string;
  readonly throughput: { readonly trainingSeconds: number; readonly tokensPerSecond: number };
}

function perplexityScore(metrics: { readonly nll?: number } | undefined): PerplexityScore {
  const nll = metrics?.nll ?? Number.NaN;
  return { perplexity: Math.exp(nll), nll };
}

const log = (message: string): void => console.error(`bayesrnn-caption: ${message}`);

/** Loaded weights as an `Ensemble` that hands out copies (the caller disposes what it loads). */
function inMemory(members: readonly Weights[]) {
  return {
    count: members.length,
    load: async (index: number): Promise<Weights> =>
      tf.tidy(() =>
        Object.fromEntries(Object.entries(members[index] ?? {}).map(([n, t]) => [n, tf.clone(t)])),
      ),
  };
}

/** The samples' averaged perplexity on a split (Gan et al. 2017, eq. 5, word by word). */
async function averagedPerplexity(
  bank: SampleBank,
  model: CaptionDecoder,
  source: CaptionEvaluationSource,
) {
  const members = { count: bank.steps().length, load: (index: number) => bank.load(index) };
  return evaluateCaptionEnsemble(model, members, source);
}

/** Captions the test images with `members`, writes them to `test-captions.jsonl`, scores them. */
async function captionTestImages(
  run: CaptionRun,
  members: readonly Weights[],
): Promise<CaptionScores> {
  const { data, config, model } = run;
  const images = data.testImages;
  const decoded: DecodedCaption[] = await generateCaptions(
    model,
    members,
    images.features,
    images.names.length,
    {
      beamSize: config.beamSize,
      maxLength: config.maxLength,
      bosId: data.bosId,
      eosId: data.eosId,
      onProgress: (done, total) => {
        if (done === total || done % 500 === 0) log(`captioning the test images: ${done}/${total}`);
      },
    },
  );
  const hypotheses = decoded.map((caption) =>
    Array.from(caption.tokens, (id) => data.vocabulary.token(id)),
  );
  const lines = hypotheses.map((words, index) =>
    JSON.stringify({
      image: images.names[index],
      caption: words.join(' '),
      references: images.references[index]?.map((r) => r.join(' ')),
    }),
  );
  await writeFile(join(run.outDir, 'test-captions.jsonl'), `${lines.join('\n')}\n`);
  const bleu = corpusBleu(hypotheses, images.references);
  return {
    bleu: bleu.bleu.map((value) => 100 * value),
    ciderD: 100 * corpusCiderD(hypotheses, images.references).score,
    rougeL: 100 * corpusRougeL(hypotheses, images.references).score,
    beamSize: config.beamSize,
    models: members.length,
    distinctCaptions: new Set(hypotheses.map((words) => words.join(' '))).size,
  };
}

/**
 * The run's `results.json`: teacher-forced perplexity on valid and test, and the test images
 * captioned by beam search with BLEU and CIDEr-D. RMSprop reports its best epoch's weights
 * (restored by the trainer); pSGLD the kept samples averaged (perplexity over all of them,
 * captions from the last `decodeSamples`), beside the last iterate's perplexity.
 */
export async function captionResults(run: CaptionRun): Promise<CaptionResults> {
  const { result, model, data } = run;
  const trainer = {
    valid: perplexityScore(result.evaluations.valid),
    test: perplexityScore(result.evaluations.test),
  };
  let reported: Pick<
    CaptionResults,
    'valid' | 'test' | 'lastIterate' | 'samples' | 'lastSamples' | 'captions'
  >;
  if (result.samples === undefined) {
    const mean = run.posterior.mean();
    try {
      reported = { ...trainer, captions: await captionTestImages(run, [mean]) };
    } finally {
      tf.dispose(Object.values(mean));
    }
  } else {
    const bank = await openSampleBank(join(run.outDir, 'samples'));
    try {
      const steps = bank.steps();
      if (steps.length === 0)
        throw new Error(`${run.outDir}: no samples were kept (the run ended inside its burn-in)`);
      log(`averaging ${steps.length} samples on valid and test`);
      const valid = await averagedPerplexity(bank, model, data.evaluation.valid);
      const test = await averagedPerplexity(bank, model, data.evaluation.test);
      const last = Math.min(run.config.decodeSamples, steps.length);
      const members = await Promise.all(
        Array.from({ length: last }, (_, k) => bank.load(steps.length - last + k)),
      );
      try {
        const lastValid = await evaluateCaptionEnsemble(
          model,
          inMemory(members),
          data.evaluation.valid,
        );
        const lastTest = await evaluateCaptionEnsemble(
          model,
          inMemory(members),
          data.evaluation.test,
        );
        reported = {
          lastSamples: {
            count: last,
            valid: { perplexity: lastValid.perplexity, nll: lastValid.nll },
            test: { perplexity: lastTest.perplexity, nll: lastTest.nll },
          },
          valid: { perplexity: valid.perplexity, nll: valid.nll },
          test: { perplexity: test.perplexity, nll: test.nll },
          lastIterate: trainer,
          samples: { steps, averagedTestPerplexities: test.averagedPerplexities },
          captions: await captionTestImages(run, members),
        };
      } finally {
        tf.dispose(members.flatMap((weights) => Object.values(weights)));
      }
    } finally {
      bank.dispose();
    }
  }
  return {
    config: run.config,
    counts: data.counts,
    vocabulary: data.vocabulary.size,
    featureSize: data.featureSize,
    backend: run.backend,
    stopReason: result.stopReason,
    best: result.best,
    ...reported,
    ...run.throughput,
  };
}
