import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFolderCandidates } from '@bayesrnn/data';

/** The repository root, found from this file (`apps/caption/src` or `apps/caption/dist`). */
function repositoryRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The split file every Flickr8k folder has. */
const MARKER = 'Flickr_8k.trainImages.txt';

/**
 * The Flickr8k text folder: `--data`, else `$BAYESRNN_DATA` (the folder itself or its
 * `flickr8k/`), else the repository's `../shared/data/flickr8k`. Throws, listing every place it
 * looked.
 */
export function locateFlickr8k(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const candidates = dataFolderCandidates(
    explicit,
    'flickr8k',
    resolve(repositoryRoot(), '..', 'shared', 'data'),
    env,
  );
  const found = candidates.find((dir) => existsSync(join(dir, MARKER)));
  if (found !== undefined) return found;
  throw new Error(
    [
      `Flickr8k not found: no ${MARKER} in`,
      ...candidates.map((dir) => `  ${dir}`),
      'Pass --data DIR (the folder holding Flickr8k.token.txt[.gz] and the Flickr_8k.*Images.txt',
      'splits), or set BAYESRNN_DATA to it or to a folder holding flickr8k/. The files are the',
      'official Flickr8k_text distribution (Hodosh et al. 2013; see ../shared/data/SOURCES.md).',
    ].join('\n'),
  );
}
