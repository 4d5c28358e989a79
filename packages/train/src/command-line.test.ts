import { captureOutput } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-options.js';
import { type CommandLineProgram, runCommandLine } from './command-line.js';

const program: CommandLineProgram = {
  name: 'demo',
  help: 'Usage: demo <command>',
  commands: {
    ok: { run: async (argv) => (argv.length === 0 ? 0 : 3), help: 'Usage: demo ok' },
    bad: {
      run: async () => {
        throw new UsageError('--seed must be an integer ≥ 0');
      },
      help: 'Usage: demo bad [--seed N]',
    },
    fail: {
      run: async () => {
        throw new Error('data/ptb.train.txt: no such file');
      },
      help: 'Usage: demo fail',
    },
  },
};

const run = (argv: readonly string[]) => captureOutput(() => runCommandLine(program, argv));

describe('runCommandLine', () => {
  it('runs the named command with the rest of the arguments and returns its code', async () => {
    expect((await run(['ok'])).code).toBe(0);
    expect((await run(['ok', 'extra'])).code).toBe(3);
  });

  it('prints the program help on stdout for --help, -h and help (exit 0)', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await run([flag]);
      expect(result.code).toBe(0);
      expect(result.out).toContain('Usage: demo <command>');
    }
  });

  it('refuses no command or an unknown one with the help on stderr (exit 2)', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: demo <command>');
    const unknown = await run(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("demo: unknown command 'fly'");
  });

  it("prints a usage error with the command's help (exit 2), a failure without it (exit 1)", async () => {
    const bad = await run(['bad']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('demo bad: --seed must be an integer ≥ 0');
    expect(bad.err).toContain('Usage: demo bad [--seed N]');
    const fail = await run(['fail']);
    expect(fail.code).toBe(1);
    expect(fail.err).toContain('demo fail: data/ptb.train.txt: no such file');
    expect(fail.err).not.toContain('Usage: demo fail');
  });
});
