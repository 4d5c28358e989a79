import { UsageError } from './cli-options.js';

/** One subcommand of a program: what runs it and the help printed with its usage errors. */
export interface CommandEntry {
  /** Runs the command on the arguments after its name; resolves to the exit code. */
  readonly run: (argv: readonly string[]) => Promise<number>;
  /** The command's `--help` text, printed again after a usage error. */
  readonly help: string;
}

/** A program with subcommands, e.g. `bayesrnn-lm` with `train`, `eval`, … */
export interface CommandLineProgram {
  /** The executable's name, the prefix of every error line (`bayesrnn-lm`). */
  readonly name: string;
  /** The program's help: printed for `--help`, no command or an unknown one. */
  readonly help: string;
  readonly commands: Readonly<Record<string, CommandEntry>>;
}

/**
 * Runs `<program> <command> [options]` and returns the exit code, the convention every app
 * shares:
 *
 * - `--help`, `-h` or `help`: the program's help on stdout, 0;
 * - no command, or an unknown one: the program's help on stderr (after the unknown name), 2;
 * - a `UsageError` from the command (a bad flag or value): `<program> <command>: message`
 *   and the command's help on stderr, 2;
 * - any other error: `<program> <command>: message` on stderr, 1 (a failure, not a mistake
 *   in the command line: the help would only hide the message).
 */
export async function runCommandLine(
  program: CommandLineProgram,
  argv: readonly string[],
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(program.help);
    return 0;
  }
  const command = name === undefined ? undefined : program.commands[name];
  if (name === undefined || command === undefined) {
    if (name !== undefined) console.error(`${program.name}: unknown command '${name}'\n`);
    console.error(program.help);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = `${program.name} ${name}`;
    if (error instanceof UsageError) {
      console.error(`${prefix}: ${message}\n\n${command.help}`);
      return 2;
    }
    console.error(`${prefix}: ${message}`);
    return 1;
  }
}
