import { gzipSync } from 'node:zlib';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from '../__fixtures__/temp-files.js';
import { floatBytes, npyBytes, npyDict } from './__fixtures__/npy-bytes.js';
import { decodeNpy, readNpy } from './npy-file.js';

checkLeaksAfterEachTest();

const { put } = useTempFiles('bayesrnn-npy-');

/** `np.save(f, np.array([[1.5, -2, 0.25], [4, 5, 6]], '<f4'))`, as NumPy 2.4 wrote it. */
const NUMPY_F4_2X3 = Uint8Array.from([
  ...[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00],
  ...new TextEncoder().encode(
    `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }${' '.repeat(58)}\n`,
  ),
  ...Buffer.from('0000c03f000000c00000803e000080400000a0400000c040', 'hex'),
]);

describe('readNpy', () => {
  it('reads a version 1.0 <f4 file byte for byte as NumPy writes it', async () => {
    const bytes = npyBytes(npyDict('<f4', '(2, 3)'), floatBytes([1.5, -2, 0.25, 4, 5, 6]));
    expect(bytes).toEqual(NUMPY_F4_2X3);
    const array = await readNpy(await put('f4.npy', bytes));
    expect(array).toEqual({ shape: [2, 3], data: Float32Array.of(1.5, -2, 0.25, 4, 5, 6) });
  });

  it('reads <f8, rounding to float32', async () => {
    const path = await put('f8.npy', npyBytes(npyDict('<f8', '(2,)'), floatBytes([0.1, -3], 8)));
    expect(await readNpy(path)).toEqual({ shape: [2], data: Float32Array.of(0.1, -3) });
  });

  it('reads versions 2.0 and 3.0 (4-byte header length; 3.0 in UTF-8)', () => {
    const data = floatBytes([7, 8]);
    expect(decodeNpy(npyBytes(npyDict('<f4', '(1, 2)'), data, 2), 'v2.npy').shape).toEqual([1, 2]);
    const v3 = npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'é': 1}`, data, 3);
    // The unexpected key proves the UTF-8 header was decoded (and that extra keys are refused).
    expect(() => decodeNpy(v3, 'v3.npy')).toThrow("v3.npy: .npy header has an unexpected key 'é'");
    const v3ok = npyBytes(npyDict('<f4', '(2,)'), data, 3);
    expect(decodeNpy(v3ok, 'v3.npy').data).toEqual(Float32Array.of(7, 8));
  });

  it('reads a scalar and an empty array', () => {
    expect(decodeNpy(npyBytes(npyDict('<f4', '()'), floatBytes([2.5])), 's.npy')).toEqual({
      shape: [],
      data: Float32Array.of(2.5),
    });
    const empty = decodeNpy(npyBytes(npyDict('<f4', '(0, 4)'), new Uint8Array(0)), 'e.npy');
    expect(empty).toEqual({ shape: [0, 4], data: new Float32Array(0) });
  });

  it('reads a gzipped .npy, recognised by its magic bytes', async () => {
    const gz = gzipSync(NUMPY_F4_2X3);
    const expected = { shape: [2, 3], data: Float32Array.of(1.5, -2, 0.25, 4, 5, 6) };
    expect(await readNpy(await put('f4.npy.gz', gz))).toEqual(expected);
    expect(await readNpy(await put('gzipped-but-named.npy', gz))).toEqual(expected);
  });

  const f4 = floatBytes([1, 2, 3, 4, 5, 6]);
  it.each([
    ['bad magic', new TextEncoder().encode('just some text, not numpy'), 'not a .npy file'],
    ['a short file', Uint8Array.of(0x93, 0x4e), 'not a .npy file'],
    [
      'version 4.0',
      Uint8Array.of(...NUMPY_F4_2X3.subarray(0, 6), 4, 0, ...NUMPY_F4_2X3.subarray(8)),
      'unsupported .npy format version 4.0; readNpy reads 1.0, 2.0 and 3.0',
    ],
    [
      'a truncated header',
      NUMPY_F4_2X3.subarray(0, 60),
      'the file ends inside the .npy header (118 bytes announced)',
    ],
    ['big-endian >f4', npyBytes(npyDict('>f4', '(2, 3)'), f4), "unsupported dtype '>f4'"],
    ['int64 <i8', npyBytes(npyDict('<i8', '(2, 3)'), f4), "unsupported dtype '<i8'"],
    [
      'Fortran order',
      npyBytes(npyDict('<f4', '(2, 3)', 'True'), f4),
      'Fortran-order data is not supported',
    ],
    [
      'too little data',
      npyBytes(npyDict('<f4', '(2, 3)'), f4.subarray(0, 20)),
      "the data has 20 bytes but shape (2, 3) of '<f4' needs 24",
    ],
    [
      'too much data',
      npyBytes(npyDict('<f8', '(5,)'), f4),
      "the data has 24 bytes but shape (5,) of '<f8' needs 40",
    ],
    [
      'a malformed header',
      npyBytes('{shape: (2, 3)}', f4),
      '.npy header expected a value at offset 1',
    ],
  ])('refuses %s as a format error naming the file', async (_, bytes, why) => {
    const path = await put('bad.npy', bytes);
    await expect(readNpy(path)).rejects.toMatchObject({
      name: 'DataError',
      code: 'format',
      path,
      message: expect.stringContaining(`${path}: ${why}`),
    });
  });
});
