import { type CommandLineProgram, runCommandLine } from '@bayesrnn/train';
import { TRAIN_HELP, trainCommand } from './train-command.js';

const HELP = `Usage: bayesrnn-caption <command> [options]

Image captioning with a Show-and-Tell LSTM decoder on Flickr8k, trained with RMSprop (with or
without dropout) or sampled with pSGLD and averaged (Gan et al. 2017; Fortunato et al. 2017),
scored by perplexity, BLEU-1…4 and CIDEr-D on the test images. Image features come from a
.npy file you supply; without them (--blind) the decoder is a language model of captions.

Commands:
  train       train on Flickr8k's train split, pick by validation perplexity, caption the test
              images, write results.json and test-captions.jsonl

Run 'bayesrnn-caption <command> --help' for a command's options.`;

const COMMANDS: CommandLineProgram['commands'] = {
  train: { run: trainCommand, help: TRAIN_HELP },
};

/** Runs one command line; returns the exit code (2 for usage errors, 1 for failures). */
export function main(argv: readonly string[]): Promise<number> {
  return runCommandLine({ name: 'bayesrnn-caption', help: HELP, commands: COMMANDS }, argv);
}
