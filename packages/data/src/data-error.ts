/**
 * What went wrong with a data file, for code that wants to react rather than just report:
 *
 * - `'missing'`: the file (or none of the names looked for) exists.
 * - `'empty'`: the file has no bytes, or no text once decompressed.
 * - `'binary'`: a text file holds a NUL byte or bytes that are not UTF-8.
 * - `'gzip'`: gzip data that does not decompress (truncated or corrupt), or a `.gz` name on a
 *   file without the gzip magic bytes.
 * - `'vocabulary'`: a token outside the vocabulary in strict mode, or a vocabulary without
 *   `<unk>` asked to encode an unknown token.
 * - `'format'`: a file not in the expected format (a word-level file read as PTB-char; a
 *   vocabulary file that is not valid JSON or not a `bayesrnn-vocabulary`).
 * - `'version'`: a vocabulary file written by a newer `@bayesrnn/data`; upgrade to read it.
 */
export type DataErrorCode =
  | 'missing'
  | 'empty'
  | 'binary'
  | 'gzip'
  | 'vocabulary'
  | 'format'
  | 'version';

/**
 * The error thrown by the readers, the vocabulary files and the encoder for anything wrong
 * with the input. The message names the file and, where it applies, the 1-based line
 * (`ptb.valid.txt:17: …`); the same facts are on `code`, `path` and `line`. I/O errors other
 * than a missing file (permissions, disk full) are passed through unchanged.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  /** Which kind of problem; stable across versions, unlike the message. */
  readonly code: DataErrorCode;
  /** The file concerned (for `'missing'` with several candidates, the first one). */
  readonly path: string;
  /** The 1-based line concerned, when there is one. */
  readonly line: number | undefined;

  constructor(
    code: DataErrorCode,
    path: string,
    message: string,
    options?: { line?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
    this.line = options?.line;
  }
}

/**
 * True for Node's "no such file" errors (ENOENT, and ENOTDIR when a path component is a
 * file): the I/O errors translated to `'missing'`. Others (EACCES, EIO…) pass through.
 */
export function isNotFoundError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'ENOENT' || error.code === 'ENOTDIR')
  );
}

/** The hint every "file not found" message ends with, so users learn how to point at data. */
export const DATA_LOCATION_HINT =
  'pass the data directory with --data or set $BAYESRNN_DATA (see shared/data/SOURCES.md)';
