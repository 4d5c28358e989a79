import { resolve } from 'node:path';

/**
 * Where a program looks for one dataset's folder, in order (the convention of the apps'
 * `--data` flag): the folder given explicitly and nothing else; otherwise `$BAYESRNN_DATA`
 * itself, then its `<subfolder>`, then `<defaultRoot>/<subfolder>` (the apps pass the
 * repository's `../shared/data`). The caller takes the first that holds its files and lists
 * them all when none does.
 */
export function dataFolderCandidates(
  explicit: string | undefined,
  subfolder: string,
  defaultRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (explicit !== undefined) return [resolve(explicit)];
  const fromEnv = env.BAYESRNN_DATA;
  return [
    ...(fromEnv ? [resolve(fromEnv), resolve(fromEnv, subfolder)] : []),
    resolve(defaultRoot, subfolder),
  ];
}
