import { createKey, disposeTree, selectBackend } from '@bayesrnn/core';
import { createLanguageModel, sampleLanguageModel } from '@bayesrnn/models';
import { integerOption, numberOption, parseOptions, UsageError } from '@bayesrnn/train';
import { loadRunPosterior, readRunSetup } from '../run-files.js';
import { textCodec } from '../text-codec.js';

export const SAMPLE_HELP = `Usage: bayesrnn-lm sample --run DIR [options]

Generate text from a trained run's best weights.

Options:
  --run DIR            the run directory written by 'bayesrnn-lm train' (required)
  --prompt TEXT        words (characters for a War and Peace run) to start from
                       (default: a sentence or line start)
  --length N           words (characters) to generate (default 30)
  --temperature T      1 samples the model, < 1 sharpens, 0 is greedy (default 1)
  --seed N             random seed (default 1)
  --backend NAME       tensorflow | wasm | cpu (default: best available)
  -h, --help           this help`;

const OPTIONS = {
  run: { type: 'string' },
  prompt: { type: 'string' },
  length: { type: 'string' },
  temperature: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
} as const;

/** `bayesrnn-lm sample`: prints the prompt and its continuation (`<eos>` as a line break). */
export async function sampleCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(SAMPLE_HELP);
    return 0;
  }
  if (args.run === undefined) throw new UsageError('--run DIR is required');
  await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const { config, vocabulary } = await readRunSetup(args.run);
  const model = createLanguageModel(config.model);
  const { posterior } = await loadRunPosterior(args.run, config, model);
  const weights = posterior.mean();
  const codec = textCodec(config.data.corpus, vocabulary);
  const prompt = codec.encodePrompt(args.prompt ?? '');
  const generated = sampleLanguageModel(model, weights, {
    prompt,
    length: integerOption(args.length, 'length', 30, 1),
    temperature: numberOption(args.temperature, 'temperature', 1),
    key: createKey(integerOption(args.seed, 'seed', 1)),
  });
  // mean() may hand out new handles on the variables' data: free both.
  disposeTree(Object.values(weights));
  disposeTree(Object.values(posterior.variables));
  console.log(codec.render(args.prompt ?? '', generated));
  return 0;
}
