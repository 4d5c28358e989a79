import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child process spoken to in lines: one JSON object per line of its stdout. */
export interface LineProcess {
  /** The next JSON line it prints (rejects if it exits first). */
  next(): Promise<Record<string, unknown>>;
  /** Writes one line to its stdin. */
  send(line: string): void;
  /** Ends it (closes stdin, then kills it if still running). */
  close(): void;
}

/** Starts `command args`; its stderr is kept and quoted when it fails. */
export function startLineProcess(command: string, args: readonly string[]): LineProcess {
  const child: ChildProcessWithoutNullStreams = spawn(command, [...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let stderr = '';
  let ended: Error | undefined;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter === undefined) lines.push(line);
    else waiter.resolve(line);
  });
  const fail = (error: Error) => {
    ended = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  child.on('error', fail);
  child.on('close', (code) =>
    fail(new Error(`${command} exited (code ${code}) ${stderr.trim().split('\n').at(-1) ?? ''}`)),
  );
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else if (ended !== undefined) reject(ended);
      else waiting.push({ resolve, reject });
    });
  return {
    next: async () => JSON.parse(await nextLine()) as Record<string, unknown>,
    send: (line) => {
      child.stdin.write(`${line}\n`);
    },
    close: () => {
      child.stdin.end();
      if (child.exitCode === null) child.kill();
    },
  };
}
