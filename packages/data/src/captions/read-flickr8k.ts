import { join } from 'node:path';
import { DATA_LOCATION_HINT, DataError } from '../data-error.js';
import { readTextFile } from '../text-file.js';
import { tokenizeCaption } from './caption-tokens.js';

/** Images with their captions, tokenised: one split of a captioning dataset. */
export interface CaptionSplit {
  /** Image names (`1000268201_693b08cb0e.jpg`), in the order of the split file. */
  readonly images: readonly string[];
  /** `captions[i]`: image `i`'s captions in `#k` order, each as {@link tokenizeCaption} words. */
  readonly captions: readonly (readonly string[][])[];
}

/** Flickr8k's official splits, as {@link loadFlickr8k} reads them. */
export interface Flickr8kSplits {
  /** 6,000 images, 30,000 captions. */
  readonly train: CaptionSplit;
  /** 1,000 images, 5,000 captions. */
  readonly dev: CaptionSplit;
  /** 1,000 images, 5,000 captions. */
  readonly test: CaptionSplit;
  /** The files read: the caption file and the three image lists. */
  readonly files: Readonly<Record<'captions' | 'train' | 'dev' | 'test', string>>;
}

/** A non-blank line of an image list with its 1-based line number, for error messages. */
interface ListedImage {
  readonly name: string;
  readonly line: number;
}

/** A caption with the line it came from, to name both lines of a repeated `#k`. */
interface NumberedCaption {
  readonly caption: string;
  readonly line: number;
}

/** The lines of `text` with their 1-based numbers, a trailing `\r` dropped (CRLF copies). */
function numberedLines(text: string): { text: string; line: number }[] {
  return text
    .split('\n')
    .map((line, index) => ({ text: line.replace(/\r$/, ''), line: index + 1 }));
}

function formatError(path: string, line: number, message: string): DataError {
  return new DataError('format', path, `${path}:${line}: ${message}`, { line });
}

/**
 * Reads Flickr8k's caption file (`Flickr8k.token.txt`, plain or gzipped): one caption per line
 * as `<image>#<k>\t<caption>`. Returns each image's raw captions (untokenised, CR dropped),
 * ordered by `k`, images in order of first appearance. Blank lines are skipped.
 *
 * @example const captions = await readFlickr8kCaptions('flickr8k/Flickr8k.token.txt.gz');
 * @throws {DataError} `'format'` naming `file:line` for a line without a tab, without `#<k>`
 *   before the tab, or repeating an image's `#k`; and {@link readTextFile}'s errors.
 */
export async function readFlickr8kCaptions(path: string): Promise<Map<string, string[]>> {
  const { text } = await readTextFile(path);
  // Per image, its captions by k, with the line each came from (to name a repeated #k).
  const byImage = new Map<string, Map<number, NumberedCaption>>();
  for (const { text: content, line } of numberedLines(text)) {
    if (content.trim() === '') continue;
    const tab = content.indexOf('\t');
    if (tab === -1) {
      throw formatError(path, line, 'no tab; expected <image>#<k><TAB><caption>');
    }
    const key = content.slice(0, tab);
    const match = /^(.+)#(\d+)$/.exec(key);
    if (match === null) {
      throw formatError(
        path,
        line,
        `expected <image>#<k> before the tab, got ${JSON.stringify(key)}`,
      );
    }
    const image = match[1] as string;
    const k = Number(match[2]);
    const captions = byImage.get(image) ?? new Map<number, NumberedCaption>();
    if (captions.size === 0) byImage.set(image, captions);
    const earlier = captions.get(k);
    if (earlier !== undefined) {
      throw formatError(path, line, `${image}#${k} again (first on line ${earlier.line})`);
    }
    captions.set(k, { caption: content.slice(tab + 1), line });
  }
  const byK = (captions: Map<number, NumberedCaption>): string[] =>
    [...captions].sort(([a], [b]) => a - b).map(([, { caption }]) => caption);
  return new Map([...byImage].map(([image, captions]) => [image, byK(captions)]));
}

/** {@link readImageList} with each name's line number. */
async function readListedImages(path: string): Promise<ListedImage[]> {
  const { text } = await readTextFile(path);
  const seen = new Map<string, number>();
  const images: ListedImage[] = [];
  for (const { text: content, line } of numberedLines(text)) {
    const name = content.trim();
    if (name === '') continue;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw formatError(path, line, `image ${name} listed again (first on line ${earlier})`);
    }
    seen.set(name, line);
    images.push({ name, line });
  }
  return images;
}

/**
 * Reads a list of image names, one per line (`Flickr_8k.trainImages.txt`, or the names that go
 * with an image-feature file): trimmed, blank lines skipped, plain or gzipped.
 *
 * @example const train = await readImageList('flickr8k/Flickr_8k.trainImages.txt'); // 6,000
 * @throws {DataError} `'format'` naming `file:line` for a name listed twice; and
 *   {@link readTextFile}'s errors.
 */
export async function readImageList(path: string): Promise<string[]> {
  return (await readListedImages(path)).map(({ name }) => name);
}

/** The Flickr8k_text files {@link loadFlickr8k} reads; each may also be gzipped (`.gz`). */
const FLICKR8K_FILES = {
  captions: 'Flickr8k.token.txt',
  train: 'Flickr_8k.trainImages.txt',
  dev: 'Flickr_8k.devImages.txt',
  test: 'Flickr_8k.testImages.txt',
} as const;

/**
 * Reads `<name>` or else `<name>.gz` in `dir` (plain first, so an unpacked copy wins).
 * @throws {DataError} `'missing'` listing both paths when neither exists.
 */
async function readEither<T>(
  dir: string,
  name: string,
  read: (path: string) => Promise<T>,
): Promise<{ path: string; value: T }> {
  const paths = [join(dir, name), join(dir, `${name}.gz`)];
  for (const path of paths) {
    try {
      return { path, value: await read(path) };
    } catch (error) {
      if (!(error instanceof DataError && error.code === 'missing' && error.path === path)) {
        throw error;
      }
    }
  }
  throw new DataError(
    'missing',
    paths[0] as string,
    `No Flickr8k ${name} in ${dir}: looked for ${paths.join(', ')}; ${DATA_LOCATION_HINT}`,
  );
}

/**
 * Loads Flickr8k's captions and its official splits from `dir` (the Flickr8k_text files of
 * Hodosh et al. 2013; `shared/data/SOURCES.md` §7): `Flickr8k.token.txt` and
 * `Flickr_8k.{train,dev,test}Images.txt`, each plain or `.gz`. Each split lists its images
 * in file order with their captions tokenised by {@link tokenizeCaption}: 6,000 / 1,000 /
 * 1,000 images with 5 captions each.
 *
 * @example
 * const flickr = await loadFlickr8k(`${process.env.BAYESRNN_DATA}/flickr8k`);
 * flickr.train.captions[0]?.[0]; // ['a', 'black', 'dog', …]
 * @throws {DataError} `'missing'` naming the paths looked for (ending with how to point at
 *   the data); `'format'` naming `file:line` for a malformed caption line, an image listed
 *   twice, or a split image with no caption; and {@link readTextFile}'s errors.
 */
export async function loadFlickr8k(dir: string): Promise<Flickr8kSplits> {
  const reads = [
    readEither(dir, FLICKR8K_FILES.captions, readFlickr8kCaptions),
    readEither(dir, FLICKR8K_FILES.train, readListedImages),
    readEither(dir, FLICKR8K_FILES.dev, readListedImages),
    readEither(dir, FLICKR8K_FILES.test, readListedImages),
  ] as const;
  // Read in parallel, but report the first failure in file order, so it is always the same.
  await Promise.allSettled(reads);
  const captions = await reads[0];
  const toSplit = async (read: (typeof reads)[1]): Promise<CaptionSplit> => {
    const { path, value: listed } = await read;
    return {
      images: listed.map(({ name }) => name),
      captions: listed.map(({ name, line }) => {
        const raw = captions.value.get(name);
        if (raw === undefined) {
          throw formatError(path, line, `image ${name} has no caption in ${captions.path}`);
        }
        return raw.map(tokenizeCaption);
      }),
    };
  };
  return {
    train: await toSplit(reads[1]),
    dev: await toSplit(reads[2]),
    test: await toSplit(reads[3]),
    files: {
      captions: captions.path,
      train: (await reads[1]).path,
      dev: (await reads[2]).path,
      test: (await reads[3]).path,
    },
  };
}
