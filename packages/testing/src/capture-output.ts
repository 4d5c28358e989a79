/** What a command-line `main` returned and printed. */
export interface CapturedRun {
  readonly code: number;
  /** Everything passed to `console.log`, one call per line. */
  readonly out: string;
  /** Everything passed to `console.error`, one call per line. */
  readonly err: string;
}

/**
 * Runs a program's `main(argv)` with `console.log` and `console.error` captured (and silenced),
 * for tests of the apps' command lines.
 */
export async function captureOutput(run: () => Promise<number>): Promise<CapturedRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => void out.push(parts.join(' '));
  console.error = (...parts: unknown[]) => void err.push(parts.join(' '));
  try {
    const code = await run();
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}
