import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from '../__fixtures__/temp-files.js';
import { DataError } from '../data-error.js';
import {
  readSentenceClassification,
  SENTENCE_CLASSIFICATION_DATASETS,
  type SentenceDatasetName,
} from './read-sentence-classification.js';

const { put, dir } = useTempFiles('bayesrnn-sentences-');

/** Writes files under `<temp>/<root>/` (folders made as needed) and returns that root. */
async function layout(root: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir(), root, name, '..'), { recursive: true });
    await put(join(root, name), content);
  }
  return join(dir(), root);
}

/** Text as windows-1252 bytes (the test strings use only Latin-1 characters and …). */
const cp1252 = (text: string): Uint8Array =>
  Uint8Array.from(text, (c) => (c === '…' ? 0x85 : c.charCodeAt(0)));

async function failure(root: string, name: SentenceDatasetName): Promise<DataError> {
  const error = await readSentenceClassification(root, name).catch((caught: unknown) => caught);
  if (!(error instanceof DataError)) throw new Error(`expected a DataError, got ${error}`);
  return error;
}

const sentence = (label: number, text: string) => ({ label, tokens: text ? text.split(' ') : [] });

describe('readSentenceClassification: two-file sets', () => {
  it('reads MR in windows-1252: negative file first, file order, blank lines kept', async () => {
    const root = await layout('mr', {
      'MR/rt-polarity.neg': cp1252("it's a clich\u00e9d mess … \n\nboring . \n"),
      'MR/rt-polarity.pos': cp1252('a gem ! \n'),
    });
    expect(await readSentenceClassification(root, 'MR')).toEqual({
      name: 'MR',
      classes: ['negative', 'positive'],
      train: [
        sentence(0, "it 's a clich d mess"),
        sentence(0, ''),
        sentence(0, 'boring'),
        sentence(1, 'a gem !'),
      ],
    });
  });

  it('names SUBJ classes objective / subjective, objective first', async () => {
    const root = await layout('subj', {
      'SUBJ/subj.objective': 'the film is set in 1950 .\n',
      'SUBJ/subj.subjective': 'Smart and alert .\nwarm .',
    });
    const subj = await readSentenceClassification(root, 'SUBJ');
    expect(subj.classes).toEqual(['objective', 'subjective']);
    expect(subj.train).toEqual([
      sentence(0, 'the film is set in 1950'),
      sentence(1, 'smart and alert'),
      sentence(1, 'warm'), // a last line without a newline still counts
    ]);
    expect(subj.dev).toBeUndefined();
    expect(subj.test).toBeUndefined();
  });

  it('reads gzip, under the plain name or as <file>.gz, and CRLF lines', async () => {
    const root = await layout('cr', {
      'CR/custrev.neg.gz': gzipSync("it does n't work .\r\n"),
      'CR/custrev.pos': gzipSync('love it !\r\nsharp .\r\n'),
    });
    const cr = await readSentenceClassification(root, 'CR');
    expect(cr.train).toEqual([
      sentence(0, "it does n't work"),
      sentence(1, 'love it !'),
      sentence(1, 'sharp'),
    ]);
  });

  it('names a missing file with the existing missing error', async () => {
    const root = await layout('mpqa', { 'MPQA/mpqa.neg': 'failing\n' });
    const error = await failure(root, 'MPQA');
    const path = join(root, 'MPQA', 'mpqa.pos');
    expect(error).toMatchObject({ code: 'missing', path });
    expect(error.message).toMatch(new RegExp(`^${path}: no such file; pass the data directory`));
  });
});

describe('readSentenceClassification: TREC', () => {
  it('maps COARSE:fine to the six coarse classes and keeps case', async () => {
    const root = await layout('trec', {
      'TREC/TREC.train': cp1252(
        "DESC:manner How did serfdom develop ?\nNUM:dist How far is it from Denver to Aspen ?\nLOC:city Which sister\u00a0city ?\nABBR:exp What's NASA ?\n",
      ),
      'TREC/TREC.test': 'HUM:desc Who was Galileo ?\nENTY:other What is e-coli ?\n',
    });
    expect(await readSentenceClassification(root, 'TREC')).toEqual({
      name: 'TREC',
      classes: ['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM'],
      train: [
        sentence(1, 'How did serfdom develop ?'),
        sentence(5, 'How far is it from Denver to Aspen ?'),
        sentence(4, 'Which sister city ?'),
        sentence(0, "What 's NASA ?"),
      ],
      test: [sentence(3, 'Who was Galileo ?'), sentence(2, 'What is e coli ?')],
    });
  });

  it.each([
    ['a line without a COARSE: label', 'Who was Galileo ?'],
    ['an unknown coarse class', 'PLACE:city Where is Aspen ?'],
    ['a lower-case coarse class', 'hum:desc Who was Galileo ?'],
    ['no fine label', 'HUM: Who was Galileo ?'],
  ])('refuses %s, naming file and line', async (_name, bad) => {
    const root = await layout(`trec-${bad.length}-${bad.charCodeAt(0)}`, {
      'TREC/TREC.train': `NUM:date When ?\n${bad}\n`,
      'TREC/TREC.test': 'NUM:date When ?\n',
    });
    const error = await failure(root, 'TREC');
    const path = join(root, 'TREC', 'TREC.train');
    expect(error).toMatchObject({ code: 'format', path, line: 2 });
    expect(error.message).toBe(
      `${path}:2: expected 'COARSE:fine question' with COARSE one of ABBR, DESC, ENTY, HUM, LOC, NUM, got ${JSON.stringify(bad)}`,
    );
  });
});

describe('readSentenceClassification: SST', () => {
  const sst = (prefix: string, labels: readonly string[]) => ({
    [`SST/${prefix}.train`]: `${labels[0]} a gob of drivel , crème brûlée .\n${labels[1]} wo n't sit still\n`,
    [`SST/${prefix}.dev`]: `${labels[1]} one long string of cliches .\n`,
    [`SST/${prefix}.test`]: `${labels[0]} no yuks !\n`,
  });

  it('reads SST-2 and SST-1 train / dev / test with their class names', async () => {
    const root = await layout('sst', {
      ...sst('stsa.binary', ['0', '1']),
      ...sst('stsa.fine', ['4', '2']),
    });
    expect(await readSentenceClassification(root, 'SST-2')).toEqual({
      name: 'SST-2',
      classes: ['negative', 'positive'],
      // UTF-8 bytes read as windows-1252 become spaces like any non-ASCII character.
      train: [sentence(0, 'a gob of drivel , cr me br l e'), sentence(1, "wo n't sit still")],
      dev: [sentence(1, 'one long string of cliches')],
      test: [sentence(0, 'no yuks !')],
    });
    const fine = await readSentenceClassification(root, 'SST-1');
    expect(fine.classes).toEqual([
      'very negative',
      'negative',
      'neutral',
      'positive',
      'very positive',
    ]);
    expect(fine.train.map(({ label }) => label)).toEqual([4, 2]);
  });

  it.each([
    ['a label out of range', '2 a fine film .'],
    ['a non-integer label', 'x a fine film .'],
    ['a negative label', '-1 a fine film .'],
    ['a blank line', ''],
  ])('refuses %s, naming file and line', async (_name, bad) => {
    const root = await layout(`sst-bad-${bad.charCodeAt(0) || 0}`, {
      ...sst('stsa.binary', ['0', '1']),
      'SST/stsa.binary.dev': `1 good .\n0 bad .\n${bad}\n1 fine .\n`,
    });
    const error = await failure(root, 'SST-2');
    const path = join(root, 'SST', 'stsa.binary.dev');
    expect(error).toMatchObject({ code: 'format', path, line: 3 });
    expect(error.message).toBe(
      `${path}:3: expected '<label> <sentence>' with an integer label in [0, 1], got ${JSON.stringify(bad)}`,
    );
  });
});

describe('readSentenceClassification: errors in a gzipped copy', () => {
  it('name the <file>.gz that was read', async () => {
    const root = await layout('sst-gz', {
      'SST/stsa.binary.train': '1 good .\n',
      'SST/stsa.binary.dev': '1 good .\n',
      'SST/stsa.binary.test.gz': gzipSync('0 bad .\n7 what ?\n'),
    });
    const path = join(root, 'SST', 'stsa.binary.test.gz');
    expect(await failure(root, 'SST-2')).toMatchObject({ code: 'format', path, line: 2 });
  });
});

describe('readSentenceClassification: names', () => {
  it('lists the seven sets and refuses others', async () => {
    expect(SENTENCE_CLASSIFICATION_DATASETS).toEqual([
      'MR',
      'CR',
      'SUBJ',
      'MPQA',
      'TREC',
      'SST-1',
      'SST-2',
    ]);
    await expect(readSentenceClassification(dir(), 'IMDB' as never)).rejects.toThrow(
      'readSentenceClassification: name must be one of MR, CR, SUBJ, MPQA, TREC, SST-1, SST-2, got "IMDB"',
    );
    await expect(readSentenceClassification(dir(), 'toString' as never)).rejects.toThrow(
      RangeError,
    );
  });
});
