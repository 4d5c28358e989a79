import { SENTENCE_CLASSIFICATION_DATASETS, type SentenceDatasetName } from '@bayesrnn/data';
import {
  choiceOption,
  integerOption,
  numberOption,
  type OptionValues,
  UsageError,
} from '@bayesrnn/train';
import { CLASSIFY_METHODS, type ClassifyMethod } from './methods.js';

export const TRAIN_HELP = `Usage: bayesrnn-classify train [options]

Train a sentence classifier (a bidirectional LSTM over word embeddings, the final states of
both directions into a softmax; Gan et al. 2017, Table 5), pick the best epoch on the validation
split (pSGLD: average the thinned samples), and write the test error to results.json.

Options:
  --dataset NAME        ${SENTENCE_CLASSIFICATION_DATASETS.join(' | ')} (default TREC)
  --method NAME         ${CLASSIFY_METHODS.join(' | ')}
                        (default rmsprop; Table 5's rows)
  --data DIR            the sentence_classification folder (default: $BAYESRNN_DATA, then
                        ../shared/data/sentence_classification)
  --fold K              test fold (0-based) for MR, CR, SUBJ, MPQA (default 0); TREC and SST
                        use their official test split
  --folds N             cross-validation folds (default 10)
  --valid-fraction F    part of the training sentences held out for validation when the
                        dataset has no dev split (default 0.1)
  --hidden N            LSTM units per direction (default 400)
  --embedding N         word-vector width (default 300; trained from scratch, no word2vec)
  --epochs N            passes over the training sentences (default 20)
  --batch N             sentences per batch (default 50)
  --lr X                RMSprop / pSGLD step size (default 1e-3)
  --dropout-rate P      for the dropout methods (default 0.5)
  --temperature T       pSGLD: posterior temperature, the injected noise variance × T
                        (default 1, the textbook noise; Gan et al.'s released code ran at
                        about T = 2/N, papers.md §2.9)
  --samples N           pSGLD: thinned samples kept and averaged (default 20)
  --burn-in N           pSGLD: epochs before the first sample (default: a quarter of the run)
  --mc K                also evaluate with K Monte-Carlo dropout passes (dropout methods)
  --seed N              random seed: folds, held-out part, weights, batches (default 1)
  --out DIR             run directory (default runs/classify-<dataset>-<method>-fold<K>-seed<N>)
  --resume              continue the run in --out from its last checkpoint (or start it)
  --backend NAME        tensorflow | webgpu | wasm | cpu (default: best available)
  -h, --help            this help`;

export const TRAIN_OPTIONS = {
  dataset: { type: 'string' },
  method: { type: 'string' },
  data: { type: 'string' },
  fold: { type: 'string' },
  folds: { type: 'string' },
  'valid-fraction': { type: 'string' },
  hidden: { type: 'string' },
  embedding: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'dropout-rate': { type: 'string' },
  samples: { type: 'string' },
  temperature: { type: 'string' },
  'burn-in': { type: 'string' },
  mc: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
} as const;

/** Everything a run is, as written to `config.json` (and checked on `--resume`). */
export interface ClassifyRunConfig {
  readonly dataset: SentenceDatasetName;
  readonly method: ClassifyMethod;
  readonly fold: number;
  readonly folds: number;
  readonly validFraction: number;
  readonly hiddenSize: number;
  readonly embeddingSize: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly dropoutRate: number;
  readonly samples: number;
  /** pSGLD's posterior temperature: the noise variance is multiplied by it. */
  readonly temperature: number;
  /** Epochs of burn-in, `undefined` for a quarter of the run. */
  readonly burnInEpochs: number | undefined;
  readonly seed: number;
}

/** Parses and checks the flags, naming the first bad one. */
export function parseTrainOptions(args: OptionValues<typeof TRAIN_OPTIONS>): ClassifyRunConfig {
  const folds = integerOption(args.folds, 'folds', 10, 2);
  const fold = integerOption(args.fold, 'fold', 0);
  if (fold >= folds) throw new UsageError(`--fold must be < --folds (${folds}), got ${fold}`);
  const validFraction = numberOption(args['valid-fraction'], 'valid-fraction', 0.1, 0);
  if (!(validFraction > 0 && validFraction < 1))
    throw new UsageError(`--valid-fraction must be in (0, 1), got '${args['valid-fraction']}'`);
  const dropoutRate = numberOption(args['dropout-rate'], 'dropout-rate', 0.5, 0);
  if (dropoutRate >= 1)
    throw new UsageError(`--dropout-rate must be in [0, 1), got '${args['dropout-rate']}'`);
  const epochs = integerOption(args.epochs, 'epochs', 20, 1);
  const burnIn =
    args['burn-in'] === undefined ? undefined : integerOption(args['burn-in'], 'burn-in', 0);
  if (burnIn !== undefined && burnIn >= epochs)
    throw new UsageError(`--burn-in must be < --epochs (${epochs}), got ${burnIn}`);
  const method = choiceOption(args.method, 'method', CLASSIFY_METHODS, 'rmsprop');
  if (args.temperature !== undefined && !method.startsWith('psgld'))
    throw new UsageError(
      `--temperature applies to psgld and psgld-dropout, not --method ${method}`,
    );
  return {
    dataset: choiceOption(args.dataset, 'dataset', SENTENCE_CLASSIFICATION_DATASETS, 'TREC'),
    method,
    fold,
    folds,
    validFraction,
    hiddenSize: integerOption(args.hidden, 'hidden', 400, 1),
    embeddingSize: integerOption(args.embedding, 'embedding', 300, 1),
    epochs,
    batchSize: integerOption(args.batch, 'batch', 50, 1),
    learningRate: numberOption(args.lr, 'lr', 1e-3, 0),
    dropoutRate,
    samples: integerOption(args.samples, 'samples', 20, 1),
    temperature: numberOption(args.temperature, 'temperature', 1, 0),
    burnInEpochs: burnIn,
    seed: integerOption(args.seed, 'seed', 1),
  };
}
