/**
 * What went wrong with a checkpoint, for code that wants to react rather than just report:
 *
 * - `'missing'`: the directory, `manifest.json` or the data file does not exist.
 * - `'truncated'`: the data file is shorter than the manifest says (an interrupted copy).
 * - `'checksum'`: a tensor's bytes do not match the SHA-256 in the manifest (corruption or
 *   tampering).
 * - `'shape'` / `'dtype'`: a tensor differs from what the caller `expect`ed, or (on save) a
 *   tensor has a dtype the format cannot store (`complex64`, `string`).
 * - `'name'`: an expected tensor is absent, or (on save) a tensor name is empty.
 * - `'format'`: the manifest is not valid JSON, not a `bayesrnn-checkpoint`, or inconsistent
 *   (bad entry, data file longer than described).
 * - `'version'`: written by a newer `@bayesrnn/core` than this one; upgrade to read it.
 * - `'input'`: an argument to `saveCheckpoint` cannot be written (disposed tensor, metadata
 *   that is not plain JSON).
 */
export type CheckpointErrorCode =
  | 'missing'
  | 'truncated'
  | 'checksum'
  | 'shape'
  | 'dtype'
  | 'name'
  | 'format'
  | 'version'
  | 'input';

/**
 * The error thrown by `saveCheckpoint`, `loadCheckpoint` and `readCheckpointManifest` for
 * anything wrong with the checkpoint or the arguments. The message names the file and, where
 * one is involved, the tensor; the same facts are on `code`, `path` and `tensorName`.
 * I/O errors other than a missing file (permissions, disk full) are passed through unchanged.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  /** Which kind of problem; stable across versions, unlike the message. */
  readonly code: CheckpointErrorCode;
  /** The file or directory concerned. */
  readonly path: string;
  /** The tensor concerned, when there is one. */
  readonly tensorName: string | undefined;

  constructor(
    code: CheckpointErrorCode,
    path: string,
    message: string,
    options?: { tensorName?: string; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
    this.tensorName = options?.tensorName;
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
