import { type FileHandle, open, readFile, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One log line: a JSON object (non-finite numbers are written as the strings `"NaN"`, …). */
export type LogRecord = { readonly [key: string]: unknown };

/** An append-only JSON-lines file; see `openJsonlLog`. */
export interface JsonlLog {
  /** The file's length in bytes after everything appended so far (what checkpoints record). */
  readonly position: number;
  /** Appends one record as one line. Not yet durable: call `sync` before relying on it. */
  append(record: LogRecord): Promise<void>;
  /** Makes every appended line durable (fsync). */
  sync(): Promise<void>;
  /** Syncs and closes the file. */
  close(): Promise<void>;
}

/** Options of `openJsonlLog`. */
export interface OpenJsonlLogOptions {
  /**
   * Continue an existing log cut back to this many bytes (the position a checkpoint
   * recorded), dropping lines written after it. Without it the file starts empty.
   */
  readonly truncateTo?: number;
}

/** `JSON.stringify` that keeps NaN and ±Infinity visible instead of writing `null`. */
export function stringifyRecord(record: LogRecord): string {
  return JSON.stringify(record, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
}

/** fsync a directory so a newly created file's name survives a power cut (best effort). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot open directories; nothing better is possible there.
  }
}

async function openForAppend(path: string, truncateTo: number | undefined): Promise<FileHandle> {
  if (truncateTo === undefined) {
    const handle = await open(path, 'w');
    await syncDirectory(dirname(path));
    return handle;
  }
  const size = await stat(path).then(
    (stats) => stats.size,
    () => -1,
  );
  if (size < truncateTo) {
    throw new Error(
      `Log ${path} is ${size < 0 ? 'missing' : `${size} bytes`}, but the checkpoint recorded ` +
        `${truncateTo} bytes of it: the log was lost or replaced, so it cannot be continued`,
    );
  }
  await truncate(path, truncateTo);
  return open(path, 'a');
}

/**
 * Opens a JSON-lines log for appending: one `JSON.stringify`ed object per line, UTF-8.
 * With `truncateTo`, an existing log is cut back to that byte length first, so a resumed run
 * continues exactly from its checkpoint and the log reads as if the run had never stopped.
 * Appends are sequential (await each); `sync` makes them durable.
 */
export async function openJsonlLog(
  path: string,
  options: OpenJsonlLogOptions = {},
): Promise<JsonlLog> {
  const handle = await openForAppend(path, options.truncateTo);
  let position = options.truncateTo ?? 0;
  return {
    get position() {
      return position;
    },
    async append(record) {
      const line = Buffer.from(`${stringifyRecord(record)}\n`, 'utf8');
      let written = 0;
      while (written < line.length) {
        const result = await handle.write(line, written, line.length - written);
        written += result.bytesWritten;
      }
      position += line.length;
    },
    sync: () => handle.sync(),
    async close() {
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  };
}

/** Reads a JSON-lines file into its records (blank lines skipped). */
export async function readJsonlLog(path: string): Promise<LogRecord[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`${path}:${index + 1} is not a JSON object`);
      }
      return parsed as LogRecord;
    });
}
