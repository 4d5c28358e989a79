import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DATA_LOCATION_HINT, DataError, isNotFoundError } from './data-error.js';

const gunzipAsync = promisify(gunzip);

/**
 * How {@link readTextFile} decodes bytes: `'utf-8'` (checked: invalid bytes are an error) or
 * `'windows-1252'` (every byte is a character, so nothing is refused but NUL): the encoding of
 * the Kim (2014) sentence files MR, SUBJ and TREC.train (shared/data/SOURCES.md §5).
 */
export type TextFileEncoding = 'utf-8' | 'windows-1252';

/** Options of {@link readTextFile}. */
export interface ReadTextFileOptions {
  /** How to decode the bytes (default `'utf-8'`). */
  readonly encoding?: TextFileEncoding;
}

/** A decoded text file: its path, its text and whether it was gzipped. */
export interface TextFile {
  /** The path as given to {@link readTextFile}. */
  readonly path: string;
  /**
   * The decoded text; line endings untouched. In UTF-8 without a leading byte-order mark; in
   * windows-1252 a UTF-8 byte-order mark would stay, as the three characters `ï»¿`.
   */
  readonly text: string;
  /** True when the file was gzip data (detected by its magic bytes). */
  readonly compressed: boolean;
}

/** gzip's magic bytes (RFC 1952 §2.3.1): the content decides, not the name. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The 1-based line holding byte `offset`: one more than the `\n` bytes before it. */
export function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  let next = bytes.indexOf(0x0a);
  while (next !== -1 && next < offset) {
    line += 1;
    next = bytes.indexOf(0x0a, next + 1);
  }
  return line;
}

/**
 * The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or -1 if all of `bytes` is UTF-8.
 * Written out because `TextDecoder` only says *that* the input is bad, not where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    // 0x80–0xC1 are continuation bytes or overlong leads; above 0xF4 would pass U+10FFFF.
    if (lead < 0xc2 || lead > 0xf4) return index;
    const extra = lead <= 0xdf ? 1 : lead <= 0xef ? 2 : 3;
    let codePoint = lead & (0x3f >> extra);
    for (let k = 1; k <= extra; k += 1) {
      const next = bytes[index + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return index;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const smallest = extra === 1 ? 0x80 : extra === 2 ? 0x800 : 0x10000;
    const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    if (codePoint < smallest || codePoint > 0x10ffff || surrogate) return index;
    index += extra + 1;
  }
  return -1;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
    throw new DataError('missing', path, `${path}: no such file; ${DATA_LOCATION_HINT}`, {
      cause: error,
    });
  }
}

async function decompress(path: string, bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await gunzipAsync(bytes);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DataError(
      'gzip',
      path,
      `${path}: corrupt gzip data (${why}); the file is truncated or damaged, fetch it again`,
      { cause: error },
    );
  }
}

/** A file's content as {@link readFileBytes} returns it. */
export interface FileBytes {
  /** The bytes, gunzipped when the file was gzip data; never empty. */
  readonly bytes: Uint8Array;
  /** True when the file was gzip data (detected by its magic bytes). */
  readonly compressed: boolean;
}

/**
 * Reads a file's bytes, gunzipped when they start with gzip's magic bytes (so a gzipped file
 * works under any name); the checks every reader wants, text or binary (`.npy`), in one place.
 *
 * @throws {DataError} `'missing'`, `'empty'` (no bytes, or gzip that decompresses to nothing),
 *   or `'gzip'` (corrupt gzip data, or a `.gz` name on data without the magic bytes).
 */
export async function readFileBytes(path: string): Promise<FileBytes> {
  const raw = await readBytes(path);
  if (raw.length === 0) throw new DataError('empty', path, `${path}: the file is empty`);
  const compressed = isGzip(raw);
  if (!compressed && /\.gz$/i.test(path)) {
    throw new DataError(
      'gzip',
      path,
      `${path}: named .gz but not gzip data (no 1f 8b magic bytes); the download is damaged or mislabelled`,
    );
  }
  const bytes = compressed ? await decompress(path, raw) : raw;
  if (bytes.length === 0) {
    throw new DataError('empty', path, `${path}: the file decompresses to nothing`);
  }
  return { bytes, compressed };
}

/**
 * WHATWG's windows-1252 characters for bytes 0x80–0x9F, in byte order (the five bytes that
 * table leaves as C1 controls map to themselves). Node 20.18.3+ and 22.13+ decode
 * `windows-1252` as Latin-1 (nodejs/node#60888), giving C1 controls for all 32 bytes; mapping
 * them through this table after decoding is right on fixed and broken versions alike.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Decodes windows-1252 bytes per the WHATWG table, whatever the Node version (see above). */
function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252')
    .decode(bytes)
    .replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1.charAt(c.charCodeAt(0) - 0x80));
}

/** Refuses NUL bytes, naming the line, so binary data never becomes tokens. */
function checkNoNul(path: string, bytes: Uint8Array): void {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const line = lineOfByte(bytes, nul);
    throw new DataError(
      'binary',
      path,
      `${path}:${line}: NUL byte at offset ${nul}; this looks like binary data, not a text file`,
      { line },
    );
  }
}

/** Refuses invalid UTF-8, naming the line (a Latin-1 file read as UTF-8, say). */
function checkUtf8(path: string, bytes: Uint8Array): void {
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    const line = lineOfByte(bytes, bad);
    const byte = (bytes[bad] ?? 0).toString(16).padStart(2, '0');
    throw new DataError(
      'binary',
      path,
      `${path}:${line}: invalid UTF-8 (byte 0x${byte} at offset ${bad}); expected UTF-8 text`,
      { line },
    );
  }
}

/**
 * Reads a text file, plain or gzipped, as UTF-8 unless `options.encoding` says
 * `'windows-1252'`. Gzip is recognised by its magic bytes, so a
 * gzipped file works under any name; a `.gz` name on data without the magic is refused (a
 * truncated or mislabelled download). A leading byte-order mark is dropped (it marks the
 * encoding, it is not text); line endings are left for the reader to interpret. In
 * windows-1252 every byte decodes (WHATWG's table: `0x85` is `…`, not a line break), so only
 * NUL bytes are refused.
 *
 * @example const { text } = await readTextFile('MR/rt-polarity.pos', { encoding: 'windows-1252' });
 * @throws {DataError} `'missing'`, `'empty'`, `'gzip'`, or `'binary'` (NUL byte, or invalid
 *   UTF-8 when decoding UTF-8, with the line).
 * @throws {RangeError} for an encoding other than the two above.
 */
export async function readTextFile(
  path: string,
  options: ReadTextFileOptions = {},
): Promise<TextFile> {
  const encoding = options.encoding ?? 'utf-8';
  if (encoding !== 'utf-8' && encoding !== 'windows-1252') {
    throw new RangeError(
      `readTextFile: encoding must be 'utf-8' or 'windows-1252', got ${JSON.stringify(encoding)}`,
    );
  }
  const { bytes, compressed } = await readFileBytes(path);
  checkNoNul(path, bytes);
  if (encoding === 'windows-1252') {
    return { path, text: decodeWindows1252(bytes), compressed };
  }
  checkUtf8(path, bytes);
  // Valid by now, so a non-fatal decoder cannot replace anything; it drops a leading BOM.
  return { path, text: new TextDecoder('utf-8').decode(bytes), compressed };
}
