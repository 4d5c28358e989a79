#!/usr/bin/env node
// Parses every changeset with changesets' own parser and checks that each names only
// published workspace packages, so a malformed file (e.g. reformatted frontmatter) fails the
// lint instead of the release. Usage: node scripts/check-changesets.mjs [repoRoot]
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { publishedWorkspaces } from './workspaces.mjs';

const root = process.argv[2] ?? process.cwd();
const require = createRequire(join(root, 'package.json'));
const parse = require('@changesets/parse').default;

const published = new Set(publishedWorkspaces(root).map(({ manifest }) => manifest.name));

const problems = [];
const dir = join(root, '.changeset');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
  try {
    const { releases, summary } = parse(readFileSync(join(dir, file), 'utf8'));
    if (releases.length === 0) problems.push(`${file}: names no package`);
    if (summary.trim() === '') problems.push(`${file}: has no summary`);
    for (const { name } of releases) {
      if (!published.has(name))
        problems.push(`${file}: '${name}' is not a published workspace package`);
    }
  } catch (error) {
    problems.push(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  }
}
if (problems.length > 0) {
  console.error(`changesets:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
