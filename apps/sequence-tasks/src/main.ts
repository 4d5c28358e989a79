import { type CommandLineProgram, runCommandLine } from '@bayesrnn/train';
import { COPY_HELP, copyCommand } from './copy-command.js';
import { GTMM_HELP, gtmmCommand } from './gtmm-command.js';

const HELP = `Usage: bayesrnn-sequence-tasks <command> [options]

The long-range sequence tasks of the papers. Commands:
  gtmm   generative temporal models with and without memory on the recall tasks of
         Gemici et al. (2017): VRNN, introspective, NTM, LRU and DNC
  copy   the copying problem with full BPTT, truncated BPTT or sparse attentive
         backtracking (Ke et al. 2018)

Run 'bayesrnn-sequence-tasks <command> --help' for a command's options.`;

const COMMANDS: CommandLineProgram['commands'] = {
  gtmm: { run: gtmmCommand, help: GTMM_HELP },
  copy: { run: copyCommand, help: COPY_HELP },
};

/** Runs one command line; returns the exit code (2 for usage errors, 1 for failures). */
export function main(argv: readonly string[]): Promise<number> {
  return runCommandLine({ name: 'bayesrnn-sequence-tasks', help: HELP, commands: COMMANDS }, argv);
}
