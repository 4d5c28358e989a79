import { DataError } from '../data-error.js';
import { readFileBytes } from '../text-file.js';
import { parseNpyHeader } from './npy-header.js';

/** An array read by {@link readNpy}: its shape and its values, row-major, as float32. */
export interface NpyArray {
  /** The shape, `[]` for a scalar. */
  readonly shape: number[];
  /** `[∏ shape]` values in C (row-major) order. */
  readonly data: Float32Array;
}

/** `\x93NUMPY`, the first six bytes of every `.npy` file. */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;

/** The dtypes read, with their item size: little-endian float32 and float64. */
const ITEM_SIZES: ReadonlyMap<string, number> = new Map([
  ['<f4', 4],
  ['<f8', 8],
]);

/** A shape as NumPy prints it: `(3, 4)`, `(3,)`, `()`. */
const pythonShape = (shape: readonly number[]): string =>
  `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

/** The header's text and where the data starts, after the magic, version and header length. */
function headerOf(bytes: Uint8Array, path: string): { header: string; dataStart: number } {
  const fail = (why: string): never => {
    throw new DataError('format', path, `${path}: ${why}`);
  };
  if (bytes.length < 10 || MAGIC.some((byte, index) => bytes[index] !== byte)) {
    fail('not a .npy file (it does not start with the magic bytes \\x93NUMPY)');
  }
  const [major, minor] = [bytes[6] ?? 0, bytes[7] ?? 0];
  if (!(major >= 1 && major <= 3 && minor === 0)) {
    fail(`unsupported .npy format version ${major}.${minor}; readNpy reads 1.0, 2.0 and 3.0`);
  }
  // Version 1.0 has a 2-byte header length; 2.0 and 3.0 a 4-byte one, both little-endian.
  const lengthBytes = major === 1 ? 2 : 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 + lengthBytes) fail('the file ends inside the .npy header length');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    fail(`the file ends inside the .npy header (${headerLength} bytes announced)`);
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  if (major < 3) {
    // Latin-1, decoded by hand: TextDecoder's 'latin1' is windows-1252 (WHATWG).
    return {
      header: Array.from(headerBytes, (byte) => String.fromCharCode(byte)).join(''),
      dataStart,
    };
  }
  try {
    return { header: new TextDecoder('utf-8', { fatal: true }).decode(headerBytes), dataStart };
  } catch {
    return fail('the .npy 3.0 header is not valid UTF-8');
  }
}

/**
 * Decodes the bytes of a `.npy` file (NumPy format versions 1.0, 2.0 and 3.0): a C-order
 * array of dtype `<f4` or `<f8`, the latter rounded to float32.
 *
 * @throws {DataError} `'format'` naming `path` and what is wrong: no `\x93NUMPY` magic, an
 *   unsupported version, a truncated or malformed header, a dtype other than `<f4`/`<f8`
 *   (named), Fortran order, or a data length that does not match the shape.
 */
export function decodeNpy(bytes: Uint8Array, path: string): NpyArray {
  const { header, dataStart } = headerOf(bytes, path);
  const { descr, fortranOrder, shape } = parseNpyHeader(header, path);
  const fail = (why: string): never => {
    throw new DataError('format', path, `${path}: ${why}`);
  };
  const itemSize =
    ITEM_SIZES.get(descr) ??
    fail(
      `unsupported dtype '${descr}'; readNpy reads little-endian float32 '<f4' and float64 '<f8' (convert with arr.astype('<f4'))`,
    );
  if (fortranOrder) {
    fail('Fortran-order data is not supported; save np.ascontiguousarray(arr) instead');
  }
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  const dataBytes = bytes.length - dataStart;
  if (!Number.isSafeInteger(count * itemSize) || dataBytes !== count * itemSize) {
    fail(
      `the data has ${dataBytes} bytes but shape ${pythonShape(shape)} of '${descr}' needs ${count * itemSize}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, dataBytes);
  const data = new Float32Array(count);
  if (itemSize === 4) {
    for (let i = 0; i < count; i += 1) data[i] = view.getFloat32(4 * i, true);
  } else {
    for (let i = 0; i < count; i += 1) data[i] = view.getFloat64(8 * i, true);
  }
  return { shape: [...shape], data };
}

/**
 * Reads a NumPy `.npy` file (format 1.0, 2.0 or 3.0; dtype `<f4`, or `<f8` rounded to
 * float32; C order), plain or gzipped (recognised by its magic bytes, whatever the name).
 * Image features saved with `np.save('features.npy', feats.astype('float32'))` read as
 * `{shape: [N, D], data}`.
 *
 * @example const { shape, data } = await readNpy('flickr8k/vgg16_fc7.npy'); // [8092, 4096]
 * @throws {DataError} `'format'` as {@link decodeNpy}; `'missing'`, `'empty'` or `'gzip'` for
 *   a file that is absent, empty or corrupt gzip.
 */
export async function readNpy(path: string): Promise<NpyArray> {
  const { bytes } = await readFileBytes(path);
  return decodeNpy(bytes, path);
}
