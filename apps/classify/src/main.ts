import { type CommandLineProgram, runCommandLine } from '@bayesrnn/train';
import { SUMMARIZE_HELP, summarizeCommand } from './summarize-command.js';
import { TRAIN_HELP, trainCommand } from './train-command.js';

const HELP = `Usage: bayesrnn-classify <command> [options]

Sentence classification with a bidirectional LSTM, trained with RMSprop (with or without
dropout or Gal's dropout) or sampled with pSGLD and averaged (Gan et al. 2017, Table 5), on
TREC, MR, CR, SUBJ, MPQA and SST.

Commands:
  train       train on one split (a fold, or the official test split), write results.json
  summarize   test error mean ± std per dataset and method over several runs

Run 'bayesrnn-classify <command> --help' for a command's options.`;

const COMMANDS: CommandLineProgram['commands'] = {
  train: { run: trainCommand, help: TRAIN_HELP },
  summarize: { run: summarizeCommand, help: SUMMARIZE_HELP },
};

/** Runs one command line; returns the exit code (2 for usage errors, 1 for failures). */
export function main(argv: readonly string[]): Promise<number> {
  return runCommandLine({ name: 'bayesrnn-classify', help: HELP, commands: COMMANDS }, argv);
}
