import { join } from 'node:path';
import { DataError } from '../data-error.js';
import { readTextFile } from '../text-file.js';
import { cleanSentence } from './clean-sentence.js';

/** The sentence-classification sets of Kim (2014) that shared/data holds (SOURCES.md §5). */
export const SENTENCE_CLASSIFICATION_DATASETS = [
  'MR',
  'CR',
  'SUBJ',
  'MPQA',
  'TREC',
  'SST-1',
  'SST-2',
] as const;

/** One of {@link SENTENCE_CLASSIFICATION_DATASETS}. */
export type SentenceDatasetName = (typeof SENTENCE_CLASSIFICATION_DATASETS)[number];

/** A tokenised sentence and its class id. */
export interface LabelledSentence {
  /** The tokens from {@link cleanSentence}; may be empty (a blank line in CR and MPQA). */
  readonly tokens: readonly string[];
  /** The class id, an index into {@link SentenceDataset.classes}. */
  readonly label: number;
}

/** A sentence-classification set as read by {@link readSentenceClassification}. */
export interface SentenceDataset {
  readonly name: SentenceDatasetName;
  /** Class id → name. */
  readonly classes: readonly string[];
  /** The training examples; all examples when there is no official split (MR, CR, SUBJ, MPQA). */
  readonly train: readonly LabelledSentence[];
  /** The official development split (SST only). */
  readonly dev?: readonly LabelledSentence[];
  /** The official test split (TREC and SST only). */
  readonly test?: readonly LabelledSentence[];
}

/** TREC's six coarse classes (Li & Roth 2002), in the fixed order of the class ids. */
const TREC_CLASSES = ['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM'] as const;

/** Where each set lives under the `sentence_classification` folder and how it is labelled. */
type Layout =
  | {
      readonly kind: 'two-files';
      readonly folder: string;
      readonly files: readonly [string, string];
      readonly classes: readonly [string, string];
    }
  | { readonly kind: 'trec' }
  | { readonly kind: 'sst'; readonly prefix: string; readonly classes: readonly string[] };

const POLARITY = ['negative', 'positive'] as const;

const LAYOUTS: Readonly<Record<SentenceDatasetName, Layout>> = {
  MR: {
    kind: 'two-files',
    folder: 'MR',
    files: ['rt-polarity.neg', 'rt-polarity.pos'],
    classes: POLARITY,
  },
  CR: { kind: 'two-files', folder: 'CR', files: ['custrev.neg', 'custrev.pos'], classes: POLARITY },
  SUBJ: {
    kind: 'two-files',
    folder: 'SUBJ',
    files: ['subj.objective', 'subj.subjective'],
    classes: ['objective', 'subjective'],
  },
  MPQA: { kind: 'two-files', folder: 'MPQA', files: ['mpqa.neg', 'mpqa.pos'], classes: POLARITY },
  TREC: { kind: 'trec' },
  'SST-1': {
    kind: 'sst',
    prefix: 'stsa.fine',
    classes: ['very negative', 'negative', 'neutral', 'positive', 'very positive'],
  },
  'SST-2': { kind: 'sst', prefix: 'stsa.binary', classes: POLARITY },
};

/** A file's lines with their 1-based numbers implied by position; no final empty line. */
interface FileLines {
  readonly path: string;
  readonly lines: readonly string[];
}

/**
 * Reads `path` as windows-1252 (MR, SUBJ and TREC.train are not UTF-8; SST's UTF-8 bytes give
 * the same tokens, as every non-ASCII character becomes a space), or `path.gz` when only a
 * gzipped copy is there. The piece after the final newline is not a line; blank lines inside
 * the file are examples (CR and MPQA have some, and the published counts include them).
 */
async function readLines(path: string): Promise<FileLines> {
  const options = { encoding: 'windows-1252' } as const;
  const file = await readTextFile(path, options).catch((error: unknown) => {
    if (!(error instanceof DataError && error.code === 'missing')) throw error;
    // Report the plain name when neither copy exists: that is the file the user should fetch.
    return readTextFile(`${path}.gz`, options).catch((gzError: unknown) => {
      throw gzError instanceof DataError && gzError.code === 'missing' ? error : gzError;
    });
  });
  const lines = file.text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { path: file.path, lines };
}

/** The first whitespace-separated field of a line and the text after it. */
function splitField(line: string): { readonly field: string; readonly text: string } {
  const space = line.search(/\s/);
  return space === -1
    ? { field: line, text: '' }
    : { field: line.slice(0, space), text: line.slice(space + 1) };
}

function formatError(path: string, index: number, expected: string, line: string): DataError {
  const shown = line.length > 60 ? `${line.slice(0, 60)}…` : line;
  return new DataError(
    'format',
    path,
    `${path}:${index + 1}: expected ${expected}, got ${JSON.stringify(shown)}`,
    { line: index + 1 },
  );
}

/** Every line of a file as an example of one class (MR, CR, SUBJ, MPQA). */
function wholeFile(file: FileLines, label: number): LabelledSentence[] {
  return file.lines.map((line) => ({ tokens: cleanSentence(line), label }));
}

/** TREC's `COARSE:fine question` lines: the coarse class, the question with its case kept. */
function trecFile(file: FileLines): LabelledSentence[] {
  return file.lines.map((line, index) => {
    const { field, text } = splitField(line);
    const colon = field.indexOf(':');
    const label = TREC_CLASSES.indexOf(field.slice(0, colon) as (typeof TREC_CLASSES)[number]);
    if (colon === -1 || label === -1 || colon === field.length - 1) {
      const expected = `'COARSE:fine question' with COARSE one of ${TREC_CLASSES.join(', ')}`;
      throw formatError(file.path, index, expected, line);
    }
    return { tokens: cleanSentence(text, { lowercase: false }), label };
  });
}

/** SST's `<label> <sentence>` lines, the label an integer in `[0, classes)`. */
function sstFile(file: FileLines, classes: number): LabelledSentence[] {
  return file.lines.map((line, index) => {
    const { field, text } = splitField(line);
    const label = /^\d+$/.test(field) ? Number(field) : -1;
    if (!(label >= 0 && label < classes)) {
      const expected = `'<label> <sentence>' with an integer label in [0, ${classes - 1}]`;
      throw formatError(file.path, index, expected, line);
    }
    return { tokens: cleanSentence(text), label };
  });
}

/**
 * Reads one sentence-classification set from the `sentence_classification` folder of
 * shared/data (files `<dir>/<folder>/<file>`, SST-1 and SST-2 both in `SST/`), tokenised by
 * {@link cleanSentence} as in Kim (2014), whose setup Gan et al. (2017, Table 5) follow:
 *
 * - MR, CR, MPQA: `negative`, `positive`; SUBJ: `objective`, `subjective`. Every example in
 *   `train`, the negative (objective) file first, each in file order; no official split
 *   (Kim and Gan use 10-fold cross-validation: {@link crossValidationSplit}).
 *   Sizes (SOURCES.md §5): MR 5,331 + 5,331, CR 1,368 + 2,407, SUBJ 5,000 + 5,000,
 *   MPQA 7,294 + 3,312.
 * - TREC: `COARSE:fine question` → the six coarse classes `ABBR, DESC, ENTY, HUM, LOC, NUM`
 *   (ids 0–5), case kept; `train` 5,452 and `test` 500.
 * - SST-2 (`negative, positive`) and SST-1 (`very negative, negative, neutral, positive,
 *   very positive`): `<label> <sentence>`; sentence-level `train`, `dev` and `test`
 *   (6,920 / 872 / 1,821 and 8,544 / 1,101 / 2,210).
 *
 * A line whose cleaning leaves no token is kept with `tokens: []` so the counts match the
 * published ones. Each file may also be stored gzipped as `<file>.gz`.
 *
 * @example const trec = await readSentenceClassification('data/sentence_classification', 'TREC');
 * @throws {DataError} `'missing'` naming the file, `'format'` naming `file:line` for a TREC line
 *   without a known `COARSE:` label or an SST line without an integer label in range, and the
 *   other codes of {@link readTextFile}.
 * @throws {RangeError} for a name not in {@link SENTENCE_CLASSIFICATION_DATASETS}.
 */
export async function readSentenceClassification(
  dir: string,
  name: SentenceDatasetName,
): Promise<SentenceDataset> {
  const layout = Object.hasOwn(LAYOUTS, name) ? LAYOUTS[name] : undefined;
  if (layout === undefined) {
    throw new RangeError(
      `readSentenceClassification: name must be one of ${SENTENCE_CLASSIFICATION_DATASETS.join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  if (layout.kind === 'two-files') {
    const read = (file: string): Promise<FileLines> => readLines(join(dir, layout.folder, file));
    const [negative, positive] = await Promise.all([read(layout.files[0]), read(layout.files[1])]);
    const train = [...wholeFile(negative, 0), ...wholeFile(positive, 1)];
    return { name, classes: [...layout.classes], train };
  }
  if (layout.kind === 'trec') {
    const read = (file: string): Promise<LabelledSentence[]> =>
      readLines(join(dir, 'TREC', file)).then(trecFile);
    const [train, test] = await Promise.all([read('TREC.train'), read('TREC.test')]);
    return { name, classes: [...TREC_CLASSES], train, test };
  }
  const read = (split: string): Promise<LabelledSentence[]> =>
    readLines(join(dir, 'SST', `${layout.prefix}.${split}`)).then((file) =>
      sstFile(file, layout.classes.length),
    );
  const [train, dev, test] = await Promise.all([read('train'), read('dev'), read('test')]);
  return { name, classes: [...layout.classes], train, dev, test };
}
