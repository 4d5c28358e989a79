import { type CommandLineProgram, runCommandLine } from '@bayesrnn/train';
import { EVAL_HELP, evalCommand } from './commands/eval-command.js';
import { POSTERIOR_HELP, posteriorCommand } from './commands/posterior-command.js';
import { PRUNE_HELP, pruneCommand } from './commands/prune-command.js';
import { SAMPLE_HELP, sampleCommand } from './commands/sample-command.js';
import { TRAIN_HELP, trainCommand } from './commands/train-command.js';
import { UNCERTAINTY_HELP, uncertaintyCommand } from './commands/uncertainty-command.js';

const HELP = `Usage: bayesrnn-lm <command> [options]

RNN language models on Penn Treebank: plain, Zaremba dropout, Gal's variational dropout, MC
dropout, Bayes by Backprop with posterior sharpening (Fortunato et al. 2017).

Commands:
  train        train a model, evaluate on valid and test, write results.json
  eval         evaluate a trained run (posterior mean, or K Monte-Carlo passes)
  prune        signal-to-noise pruning curve of a bbb run
  posterior    what a bbb run's posterior learned: |μ|, σ, |μ|/σ and η, weight by weight
  uncertainty  predictive entropy on the test set and its sentence-reversed copy
  sample       generate text from a trained run

Run 'bayesrnn-lm <command> --help' for a command's options.`;

const COMMANDS: CommandLineProgram['commands'] = {
  train: { run: trainCommand, help: TRAIN_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  prune: { run: pruneCommand, help: PRUNE_HELP },
  posterior: { run: posteriorCommand, help: POSTERIOR_HELP },
  uncertainty: { run: uncertaintyCommand, help: UNCERTAINTY_HELP },
  sample: { run: sampleCommand, help: SAMPLE_HELP },
};

/** Runs one command line; returns the exit code (2 for usage errors, 1 for failures). */
export function main(argv: readonly string[]): Promise<number> {
  return runCommandLine({ name: 'bayesrnn-lm', help: HELP, commands: COMMANDS }, argv);
}
