import { UsageError } from '@bayesrnn/train';
import { GTMM_HELP, gtmmCommand } from './gtmm-command.js';

const HELP = `Usage: bayesrnn-sequence-tasks gtmm [options]

The long-range sequence tasks of the papers. Commands:
  gtmm   generative temporal models with and without memory on the recall tasks of
         Gemici et al. (2017): VRNN, introspective, NTM, LRU and DNC

Run 'bayesrnn-sequence-tasks gtmm --help' for its options.`;

/** Runs one command line; returns the exit code (2 for usage errors, 1 for failures). */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'gtmm') {
    const asked = name === '--help' || name === '-h' || name === 'help';
    if (!asked && name !== undefined)
      console.error(`bayesrnn-sequence-tasks: unknown command '${name}'`);
    (asked ? console.log : console.error)(HELP);
    return asked ? 0 : 2;
  }
  try {
    return await gtmmCommand(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      console.error(`bayesrnn-sequence-tasks gtmm: ${message}\n\n${GTMM_HELP}`);
      return 2;
    }
    console.error(`bayesrnn-sequence-tasks gtmm: ${message}`);
    return 1;
  }
}
