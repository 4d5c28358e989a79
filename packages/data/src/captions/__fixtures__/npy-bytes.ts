/**
 * `.npy` files written byte by byte, as NumPy's `np.lib.format.write_array` does: the magic
 * `\x93NUMPY`, the version, the header length (2 bytes in 1.0, 4 in 2.0 and 3.0, little-endian)
 * and the header dict padded with spaces and a final `\n` so the data starts at a multiple of
 * 64 bytes; then the raw data.
 */
export function npyBytes(header: string, data: Uint8Array, major = 1): Uint8Array {
  const lengthBytes = major === 1 ? 2 : 4;
  const unpadded = 8 + lengthBytes + header.length + 1;
  const text = `${header}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const head = new TextEncoder().encode(text);
  const bytes = new Uint8Array(8 + lengthBytes + head.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(bytes.buffer);
  if (major === 1) view.setUint16(8, head.length, true);
  else view.setUint32(8, head.length, true);
  bytes.set(head, 8 + lengthBytes);
  bytes.set(data, 8 + lengthBytes + head.length);
  return bytes;
}

/** The header dict NumPy writes for a C-order array. */
export const npyDict = (descr: string, shape: string, fortran = 'False'): string =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

/** Values as little-endian float32 (`bytes = 4`) or float64 (`bytes = 8`) bytes. */
export function floatBytes(values: readonly number[], bytes: 4 | 8 = 4): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * bytes));
  for (const [index, value] of values.entries()) {
    if (bytes === 4) view.setFloat32(4 * index, value, true);
    else view.setFloat64(8 * index, value, true);
  }
  return new Uint8Array(view.buffer);
}
