import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from '../__fixtures__/temp-files.js';
import { DATA_LOCATION_HINT } from '../data-error.js';
import { loadFlickr8k, readFlickr8kCaptions, readImageList } from './read-flickr8k.js';

checkLeaksAfterEachTest();

const { put, dir } = useTempFiles('bayesrnn-flickr8k-');

/** Writes files under `<temp>/<folder>/` and returns that folder. */
async function folder(name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  await mkdir(join(dir(), name), { recursive: true });
  for (const [file, content] of Object.entries(files)) await put(join(name, file), content);
  return join(dir(), name);
}

const TOKENS = [
  'b.jpg#1\tA dog runs .',
  'a.jpg#0\tA girl, in pink.',
  'b.jpg#0\tTwo dogs play',
  "a.jpg#1\tThe girl's house .",
  'c.jpg#0\tNobody',
  '',
].join('\n');

describe('readFlickr8kCaptions', () => {
  it('groups raw captions by image, ordered by #k, images by first appearance', async () => {
    const captions = await readFlickr8kCaptions(await put('tokens.txt', TOKENS));
    expect([...captions]).toEqual([
      ['b.jpg', ['Two dogs play', 'A dog runs .']],
      ['a.jpg', ['A girl, in pink.', "The girl's house ."]],
      ['c.jpg', ['Nobody']],
    ]);
  });

  it('reads gzip (by magic bytes) and CRLF the same, skipping blank lines', async () => {
    const plain = await readFlickr8kCaptions(await put('plain.txt', TOKENS));
    const crlf = `${TOKENS.replaceAll('\n', '\r\n')}\r\n\r\n`;
    expect(await readFlickr8kCaptions(await put('tokens.txt.gz', gzipSync(crlf)))).toEqual(plain);
    expect(await readFlickr8kCaptions(await put('gz-no-suffix', gzipSync(TOKENS)))).toEqual(plain);
  });

  it.each([
    [
      'a line without a tab',
      'a.jpg#0\tfine\na.jpg#1 no tab\n',
      2,
      'no tab; expected <image>#<k><TAB><caption>',
    ],
    [
      'a key without #k',
      'a.jpg#0\tfine\n\na.jpg\tno index\n',
      3,
      'expected <image>#<k> before the tab, got "a.jpg"',
    ],
    ['a non-numeric #k', 'a.jpg#x\tbad\n', 1, 'expected <image>#<k> before the tab, got "a.jpg#x"'],
    [
      'a repeated #k',
      'a.jpg#0\tone\nb.jpg#0\tx\na.jpg#0\ttwo\n',
      3,
      'a.jpg#0 again (first on line 1)',
    ],
  ])('refuses %s, naming file:line', async (_, text, line, why) => {
    const path = await put('bad-tokens.txt', text);
    await expect(readFlickr8kCaptions(path)).rejects.toMatchObject({
      name: 'DataError',
      code: 'format',
      path,
      line,
      message: `${path}:${line}: ${why}`,
    });
  });
});

describe('readImageList', () => {
  it('reads trimmed names, skipping blank lines', async () => {
    const path = await put('list.txt', ' a.jpg \n\nb.jpg\r\nc.jpg');
    expect(await readImageList(path)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
  });

  it('refuses a name listed twice, naming both lines', async () => {
    const path = await put('twice.txt', 'a.jpg\nb.jpg\n\n a.jpg\n');
    await expect(readImageList(path)).rejects.toMatchObject({
      code: 'format',
      line: 4,
      message: `${path}:4: image a.jpg listed again (first on line 1)`,
    });
  });
});

describe('loadFlickr8k', () => {
  const splits = {
    'Flickr_8k.trainImages.txt': 'a.jpg\nb.jpg\n',
    'Flickr_8k.devImages.txt': 'c.jpg\n',
    'Flickr_8k.testImages.txt.gz': gzipSync('b.jpg\n'),
  };

  it('reads the splits in file order with tokenised captions, plain or .gz', async () => {
    const root = await folder('ok', { 'Flickr8k.token.txt.gz': gzipSync(TOKENS), ...splits });
    const flickr = await loadFlickr8k(root);
    expect(flickr.train).toEqual({
      images: ['a.jpg', 'b.jpg'],
      captions: [
        [
          ['a', 'girl', 'in', 'pink'],
          ['the', 'girls', 'house'],
        ],
        [
          ['two', 'dogs', 'play'],
          ['a', 'dog', 'runs'],
        ],
      ],
    });
    expect(flickr.dev).toEqual({ images: ['c.jpg'], captions: [[['nobody']]] });
    expect(flickr.test.images).toEqual(['b.jpg']);
    expect(flickr.files).toEqual({
      captions: join(root, 'Flickr8k.token.txt.gz'),
      train: join(root, 'Flickr_8k.trainImages.txt'),
      dev: join(root, 'Flickr_8k.devImages.txt'),
      test: join(root, 'Flickr_8k.testImages.txt.gz'),
    });
  });

  it('prefers the plain caption file to the .gz', async () => {
    const root = await folder('both', {
      'Flickr8k.token.txt': TOKENS,
      'Flickr8k.token.txt.gz': 'not gzip: never read',
      ...splits,
    });
    expect((await loadFlickr8k(root)).files.captions).toBe(join(root, 'Flickr8k.token.txt'));
  });

  it('names both paths looked at, and how to point at the data, when the captions are missing', async () => {
    const root = await folder('no-captions', splits);
    const plain = join(root, 'Flickr8k.token.txt');
    await expect(loadFlickr8k(root)).rejects.toMatchObject({
      code: 'missing',
      path: plain,
      message: `No Flickr8k Flickr8k.token.txt in ${root}: looked for ${plain}, ${plain}.gz; ${DATA_LOCATION_HINT}`,
    });
    await expect(loadFlickr8k(join(dir(), 'nowhere'))).rejects.toMatchObject({ code: 'missing' });
  });

  it('refuses a split image without captions, naming the split file and line', async () => {
    const root = await folder('uncaptioned', {
      'Flickr8k.token.txt': TOKENS,
      ...splits,
      'Flickr_8k.devImages.txt': 'c.jpg\n\nd.jpg\n',
    });
    const path = join(root, 'Flickr_8k.devImages.txt');
    await expect(loadFlickr8k(root)).rejects.toMatchObject({
      code: 'format',
      path,
      line: 3,
      message: `${path}:3: image d.jpg has no caption in ${join(root, 'Flickr8k.token.txt')}`,
    });
  });
});
