// Where the integration tests find the real corpora (shared/data/SOURCES.md): $BAYESRNN_DATA,
// else ../shared/data beside the repository root. Outside CI a test on absent data is
// skipped; in CI (process.env.CI set) it runs and fails, because a CI run that silently
// skipped them would prove nothing.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The data directory the real-data tests read. */
export const dataRoot = resolve(
  process.env.BAYESRNN_DATA ?? join(repoRoot, '..', 'shared', 'data'),
);

const inCi = Boolean(process.env.CI);

/** Whether to skip the tests of `dataRoot/<subdirectory>`: only outside CI, when it is absent. */
export const skipWithoutData = (subdirectory: string): boolean =>
  !inCi && !existsSync(join(dataRoot, subdirectory));
