import {
  choiceOption,
  integerOption,
  numberOption,
  type OptionValues,
  UsageError,
} from '@bayesrnn/train';
import { CAPTION_METHODS, type CaptionMethod, isSampling } from './methods.js';

export const TRAIN_HELP = `Usage: bayesrnn-caption train (--features FILE.npy --feature-names FILE | --blind) [options]

Train a Show-and-Tell caption decoder (the image feature is the LSTM's first input, the
caption's words follow) on Flickr8k's 6,000 training images, keep the epoch with the best
validation perplexity (pSGLD: average the thinned samples), caption the 1,000 test images by
beam search, and write perplexity, BLEU-1…4 and CIDEr-D to results.json.

Image features:
  --features FILE       a NumPy .npy array [N, D] (float32 or float64) of image features, e.g. a
                        CNN's pooled activations; computed by you: Flickr8k's images are not in
                        ../shared/data
  --feature-names FILE  N lines: the image file name (e.g. 1000268201_693b08cb0e.jpg) of each row
  --blind               no image features: the decoder is a language model of captions, every
                        test image gets the same caption (the baseline that shows what the
                        features add)

Options:
  --method NAME         ${CAPTION_METHODS.join(' | ')} (default rmsprop)
  --data DIR            the Flickr8k text folder (default: $BAYESRNN_DATA, then ../shared/data/flickr8k)
  --hidden N            LSTM units (default 512, Gan et al.)
  --embedding N         word and image embedding width (default 300)
  --min-count N         words seen fewer times in the training captions become <unk> (default 5)
  --max-words N         training captions are cut to N words (default 16, as neuraltalk)
  --images N            use only the first N training images (default: all 6,000; for quick runs)
  --epochs N            passes over the training captions (default 20)
  --batch N             captions per batch (default 64)
  --lr X                RMSprop / pSGLD step size (default 1e-3)
  --dropout-rate P      for the dropout methods (default 0.5)
  --temperature T       pSGLD: the injected noise variance × T (default 1)
  --samples N           pSGLD: thinned samples kept (default 20)
  --burn-in N           pSGLD: epochs before the first sample (default: a quarter of the run)
  --decode-samples N    pSGLD: the last N samples averaged word by word when captioning (default 5;
                        perplexity averages all of them)
  --beam K              beam width when captioning (default 5, Gan et al.; 1 is greedy)
  --max-length N        the longest generated caption, in words (default 20)
  --seed N              random seed: weights, batches, dropout, noise (default 1)
  --out DIR             run directory (default runs/caption-<blind|features>-<method>-seed<N>)
  --resume              continue the run in --out from its last checkpoint (or start it)
  --backend NAME        tensorflow | webgpu | wasm | cpu (default: best available)
  -h, --help            this help`;

export const TRAIN_OPTIONS = {
  features: { type: 'string' },
  'feature-names': { type: 'string' },
  blind: { type: 'boolean' },
  method: { type: 'string' },
  data: { type: 'string' },
  hidden: { type: 'string' },
  embedding: { type: 'string' },
  'min-count': { type: 'string' },
  'max-words': { type: 'string' },
  images: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'dropout-rate': { type: 'string' },
  temperature: { type: 'string' },
  samples: { type: 'string' },
  'burn-in': { type: 'string' },
  'decode-samples': { type: 'string' },
  beam: { type: 'string' },
  'max-length': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
} as const;

/** Everything a run is, as written to `config.json` (and checked on `--resume`). */
export interface CaptionRunConfig {
  /** The `.npy` features and their names, or `undefined` for a blind run. */
  readonly features: { readonly file: string; readonly names: string } | undefined;
  readonly method: CaptionMethod;
  readonly hiddenSize: number;
  readonly embeddingSize: number;
  readonly minCount: number;
  readonly maxWords: number;
  /** Training images used, `undefined` for all of them. */
  readonly images: number | undefined;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly dropoutRate: number;
  readonly temperature: number;
  readonly samples: number;
  /** Epochs of burn-in, `undefined` for a quarter of the run. */
  readonly burnInEpochs: number | undefined;
  readonly decodeSamples: number;
  readonly beamSize: number;
  readonly maxLength: number;
  readonly seed: number;
}

/** `--features` and `--feature-names` together, or `--blind`, never both nor neither. */
function featureOptions(args: OptionValues<typeof TRAIN_OPTIONS>): CaptionRunConfig['features'] {
  const file = args.features;
  const names = args['feature-names'];
  if (args.blind === true) {
    if (file !== undefined || names !== undefined)
      throw new UsageError(
        '--blind trains without image features: drop --features and --feature-names',
      );
    return undefined;
  }
  if (file === undefined && names === undefined)
    throw new UsageError(
      'give image features (--features FILE.npy --feature-names FILE) or --blind',
    );
  if (file === undefined) throw new UsageError('--feature-names needs --features FILE.npy');
  if (names === undefined)
    throw new UsageError('--features needs --feature-names FILE (one image name per row)');
  return { file, names };
}

/** Parses and checks the flags, naming the first bad one. */
export function parseTrainOptions(args: OptionValues<typeof TRAIN_OPTIONS>): CaptionRunConfig {
  const features = featureOptions(args);
  const method = choiceOption(args.method, 'method', CAPTION_METHODS, 'rmsprop');
  const dropoutRate = numberOption(args['dropout-rate'], 'dropout-rate', 0.5, 0);
  if (dropoutRate >= 1)
    throw new UsageError(`--dropout-rate must be in [0, 1), got '${args['dropout-rate']}'`);
  const epochs = integerOption(args.epochs, 'epochs', 20, 1);
  const burnIn =
    args['burn-in'] === undefined ? undefined : integerOption(args['burn-in'], 'burn-in', 0);
  if (burnIn !== undefined && burnIn >= epochs)
    throw new UsageError(`--burn-in must be < --epochs (${epochs}), got ${burnIn}`);
  for (const option of ['temperature', 'samples', 'burn-in', 'decode-samples'] as const) {
    if (args[option] !== undefined && !isSampling(method))
      throw new UsageError(
        `--${option} applies to psgld and psgld-dropout, not --method ${method}`,
      );
  }
  return {
    features,
    method,
    hiddenSize: integerOption(args.hidden, 'hidden', 512, 1),
    embeddingSize: integerOption(args.embedding, 'embedding', 300, 1),
    minCount: integerOption(args['min-count'], 'min-count', 5, 1),
    maxWords: integerOption(args['max-words'], 'max-words', 16, 1),
    images: args.images === undefined ? undefined : integerOption(args.images, 'images', 1, 1),
    epochs,
    batchSize: integerOption(args.batch, 'batch', 64, 1),
    learningRate: numberOption(args.lr, 'lr', 1e-3, 0),
    dropoutRate,
    temperature: numberOption(args.temperature, 'temperature', 1, 0),
    samples: integerOption(args.samples, 'samples', 20, 1),
    burnInEpochs: burnIn,
    decodeSamples: integerOption(args['decode-samples'], 'decode-samples', 5, 1),
    beamSize: integerOption(args.beam, 'beam', 5, 1),
    maxLength: integerOption(args['max-length'], 'max-length', 20, 1),
    seed: integerOption(args.seed, 'seed', 1),
  };
}
