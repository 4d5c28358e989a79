import { join } from 'node:path';
import {
  type ClassificationEvaluationSource,
  evaluateClassifier,
  evaluateClassifierEnsemble,
  type SentenceClassifier,
} from '@bayesrnn/models';
import type { Posterior, RngKey } from '@bayesrnn/spec';
import { openSampleBank, type TrainResult } from '@bayesrnn/train';
import type { ClassificationSplits } from './dataset-splits.js';
import type { ClassifyRunConfig } from './train-options.js';

/** A split's score: test error in %, mean NLL per sentence, Brier score, ECE in %. */
export interface SplitScore {
  readonly error: number;
  readonly nll: number;
  readonly brier: number;
  readonly ece: number;
}

/** What one run measured, as written to `results.json`. */
export interface ClassifierResults {
  readonly config: ClassifyRunConfig;
  readonly testSplit: string;
  readonly counts: ClassificationSplits['counts'];
  readonly vocabulary: number;
  readonly classes: readonly string[];
  readonly backend: string;
  readonly stopReason: TrainResult['stopReason'];
  /** The validation error the best epoch was chosen by (RMSprop), or the last (pSGLD). */
  readonly best: TrainResult['best'];
  /** The reported scores: the best epoch's weights, or for pSGLD the averaged samples. */
  readonly valid: SplitScore;
  readonly test: SplitScore;
  /** pSGLD: the chain's last iterate alone, and each sample's and each running average's test error. */
  readonly lastIterate?: { readonly valid: SplitScore; readonly test: SplitScore };
  readonly samples?: {
    readonly steps: readonly number[];
    readonly testErrors: readonly number[];
    readonly averagedTestErrors: readonly number[];
  };
  /** `--mc K`: K dropout passes averaged. */
  readonly mc?: { readonly passes: number; readonly valid: SplitScore; readonly test: SplitScore };
  readonly trainingSeconds: number;
  readonly sentencesPerSecond: number;
}

/** What `classifierResults` needs from the run. */
export interface RunOutcome {
  readonly config: ClassifyRunConfig;
  readonly splits: ClassificationSplits;
  readonly model: SentenceClassifier;
  readonly posterior: Posterior;
  readonly result: TrainResult;
  readonly outDir: string;
  readonly backend: string;
  readonly mcSamples: number;
  readonly evalKey: RngKey;
  readonly throughput: { readonly trainingSeconds: number; readonly sentencesPerSecond: number };
}

function score(metrics: Partial<SplitScore> | undefined): SplitScore {
  const {
    error = Number.NaN,
    nll = Number.NaN,
    brier = Number.NaN,
    ece = Number.NaN,
  } = metrics ?? {};
  return { error, nll, brier, ece };
}

/** Averages the kept samples' predictive probabilities on a split (Gan et al. 2017, eq. 5). */
async function averagedSamples(
  outDir: string,
  model: SentenceClassifier,
  source: ClassificationEvaluationSource,
  split: string,
) {
  const bank = await openSampleBank(join(outDir, 'samples'));
  try {
    const steps = bank.steps();
    if (steps.length === 0)
      throw new Error(`${outDir}: no samples were kept (the run ended inside its burn-in)`);
    const ensemble = await evaluateClassifierEnsemble(
      model,
      { count: steps.length, load: (index) => bank.load(index) },
      source,
      {
        onMember: (done, total) => {
          if (done === total || done % 5 === 0)
            console.error(`bayesrnn-classify: averaging samples on ${split}: ${done}/${total}`);
        },
      },
    );
    return { ensemble, steps };
  } finally {
    bank.dispose();
  }
}

/**
 * The run's `results.json`: the trainer's valid and test scores (the best epoch's weights,
 * restored); for pSGLD the averaged predictive of the kept samples instead, beside the last
 * iterate's; with `--mc K` also K-pass Monte-Carlo dropout scores.
 */
export async function classifierResults(run: RunOutcome): Promise<ClassifierResults> {
  const { splits, result } = run;
  const trainer = {
    valid: score(result.evaluations.valid),
    test: score(result.evaluations.test),
  };
  let reported: Pick<ClassifierResults, 'valid' | 'test' | 'lastIterate' | 'samples'> = trainer;
  if (result.samples !== undefined) {
    const valid = await averagedSamples(run.outDir, run.model, splits.evaluation.valid, 'valid');
    const test = await averagedSamples(run.outDir, run.model, splits.evaluation.test, 'test');
    reported = {
      valid: score(valid.ensemble),
      test: score(test.ensemble),
      lastIterate: trainer,
      samples: {
        steps: test.steps,
        testErrors: test.ensemble.memberErrors,
        averagedTestErrors: test.ensemble.averagedErrors,
      },
    };
  }
  let mc: ClassifierResults['mc'];
  if (run.mcSamples > 0) {
    const options = { key: run.evalKey, samples: run.mcSamples };
    const valid = await evaluateClassifier(
      run.model,
      run.posterior,
      splits.evaluation.valid,
      options,
    );
    const test = await evaluateClassifier(
      run.model,
      run.posterior,
      splits.evaluation.test,
      options,
    );
    mc = { passes: run.mcSamples, valid: score(valid), test: score(test) };
  }
  return {
    config: run.config,
    testSplit: splits.testSplit,
    counts: splits.counts,
    vocabulary: splits.vocabulary.size,
    classes: splits.classes,
    backend: run.backend,
    stopReason: result.stopReason,
    best: result.best,
    ...reported,
    ...(mc === undefined ? {} : { mc }),
    ...run.throughput,
  };
}
