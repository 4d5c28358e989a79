#!/usr/bin/env node
// Checks what every published workspace package ships beside its code, which the workspace
// itself never exercises (its links resolve any range, and nothing reads LICENSE):
//
// - a dependency on another workspace package is `^<its version>`. A `*` range is published
//   as `*` (npm has no workspace protocol to rewrite), so a user would get any future major of
//   it; a caret range is one changesets rewrites and bumps with every release of the dependency.
// - a README.md, and a LICENSE identical to the repository's (Apache-2.0 asks for a copy of the
//   licence with every copy of the work, and npm packs only the package's own folder).
// - the repository's `engines.node`, so npm warns a user whose Node is older than the tested one.
//
// Usage: node scripts/check-manifests.mjs [repoRoot]
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workspaces } from './workspaces.mjs';

const root = process.argv[2] ?? process.cwd();
const licence = readFileSync(join(root, 'LICENSE'), 'utf8');
const nodeRange = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;

const all = workspaces(root);
const versions = new Map(all.map(({ manifest }) => [manifest.name, manifest.version]));

const problems = [];
for (const { dir: path, manifest } of all) {
  if (manifest.private === true) continue;
  const dir = relative(root, path);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      const version = versions.get(name);
      if (version !== undefined && range !== `^${version}`) {
        problems.push(
          `${dir}/package.json: ${field}["${name}"] is "${range}"; a published package needs ` +
            `"^${version}" (the workspace's version, kept current by changesets)`,
        );
      }
    }
  }
  if (manifest.license !== 'Apache-2.0') {
    problems.push(
      `${dir}/package.json: "license" is ${JSON.stringify(manifest.license)}, not "Apache-2.0"`,
    );
  }
  if (manifest.engines?.node !== nodeRange) {
    problems.push(`${dir}/package.json: engines.node is not the repository's "${nodeRange}"`);
  }
  if (!existsSync(join(root, dir, 'README.md'))) problems.push(`${dir}: has no README.md`);
  const ownLicence = join(root, dir, 'LICENSE');
  if (!existsSync(ownLicence)) problems.push(`${dir}: has no LICENSE (copy the repository's)`);
  else if (readFileSync(ownLicence, 'utf8') !== licence) {
    problems.push(`${dir}/LICENSE: differs from the repository's LICENSE`);
  }
}
if (problems.length > 0) {
  console.error(`package manifests:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
