import { UsageError } from '@bayesrnn/train';
import { COPY_HELP, copyCommand } from './copy-command.js';
import { GTMM_HELP, gtmmCommand } from './gtmm-command.js';

const HELP = `Usage: bayesrnn-sequence-tasks <command> [options]

The long-range sequence tasks of the papers. Commands:
  gtmm   generative temporal models with and without memory on the recall tasks of
         Gemici et al. (2017): VRNN, introspective, NTM, LRU and DNC
  copy   the copying problem with full BPTT, truncated BPTT or sparse attentive
         backtracking (Ke et al. 2018)

Run 'bayesrnn-sequence-tasks <command> --help' for a command's options.`;

const COMMANDS: Record<
  string,
  { run: (argv: readonly string[]) => Promise<number>; help: string }
> = {
  gtmm: { run: gtmmCommand, help: GTMM_HELP },
  copy: { run: copyCommand, help: COPY_HELP },
};

/** Runs one command line; returns the exit code (2 for usage errors, 1 for failures). */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    const asked = name === '--help' || name === '-h' || name === 'help';
    if (!asked && name !== undefined)
      console.error(`bayesrnn-sequence-tasks: unknown command '${name}'`);
    (asked ? console.log : console.error)(HELP);
    return asked ? 0 : 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = `bayesrnn-sequence-tasks ${name}`;
    console.error(
      error instanceof UsageError
        ? `${prefix}: ${message}\n\n${command.help}`
        : `${prefix}: ${message}`,
    );
    return error instanceof UsageError ? 2 : 1;
  }
}
