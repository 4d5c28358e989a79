import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What each of the four kinds of image shows: the first words of its captions. */
const SUBJECTS = ['one dog', 'a cat', 'two boys', 'the woman'];
const ENDINGS = [
  'runs on the grass',
  'sits in the snow',
  'plays near the water',
  'jumps over a fence',
  'stands by the road',
];

/** Image `i` is of kind `i mod 4`; its five captions start with the kind's own first word. */
export function imageKind(image: number): number {
  return image % SUBJECTS.length;
}

function captionsOf(image: number): string[] {
  const subject = SUBJECTS[imageKind(image)] ?? '';
  return ENDINGS.map((_, k) => `${subject} ${ENDINGS[(image + k) % ENDINGS.length]} .`);
}

/** A NumPy v1.0 `.npy` file of a little-endian float32 `[rows, columns]` array. */
export function npyFloat32(values: Float32Array, rows: number, columns: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces to 64 bytes, ending in \n.
  header = `${header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ')}\n`;
  const bytes = new Uint8Array(10 + header.length + values.byteLength);
  bytes.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(Buffer.from(header, 'latin1'), 10);
  bytes.set(
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    10 + header.length,
  );
  return bytes;
}

/**
 * A Flickr8k-format folder of `train` + 8 + 8 images (`data/`) and features for all of them
 * (`features.npy`, `features.txt`): a one-hot of the image's kind, so only the features tell
 * a caption's first words.
 */
export async function writeTinyFlickr(root: string, train = 40): Promise<void> {
  const names = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `${from + i}_img.jpg`);
  const splits = { train: names(0, train), dev: names(train, 8), test: names(train + 8, 8) };
  const all = [...splits.train, ...splits.dev, ...splits.test];
  const data = join(root, 'data');
  await mkdir(data, { recursive: true });
  const tokens = all.flatMap((name, image) =>
    captionsOf(image).map((caption, k) => `${name}#${k}\t${caption}`),
  );
  await writeFile(join(data, 'Flickr8k.token.txt'), `${tokens.join('\n')}\n`);
  await writeFile(join(data, 'Flickr_8k.trainImages.txt'), `${splits.train.join('\n')}\n`);
  await writeFile(join(data, 'Flickr_8k.devImages.txt'), `${splits.dev.join('\n')}\n`);
  await writeFile(join(data, 'Flickr_8k.testImages.txt'), `${splits.test.join('\n')}\n`);
  const features = new Float32Array(all.length * 4);
  all.forEach((_, image) => {
    features[image * 4 + imageKind(image)] = 1;
  });
  await writeFile(join(root, 'features.npy'), npyFloat32(features, all.length, 4));
  await writeFile(join(root, 'features.txt'), `${all.join('\n')}\n`);
}
