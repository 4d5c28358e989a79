// The repository's workspaces, for the check scripts: `bench` is a single workspace at the
// top; `packages/*` and `apps/*` are groups of them. Each comes with its folder, its group and
// its parsed package.json.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every workspace under `root`: `{ dir, group, manifest }`. */
export function workspaces(root) {
  return ['packages', 'apps', 'bench'].flatMap((group) => {
    let names;
    try {
      names = group === 'bench' ? [''] : readdirSync(join(root, group));
    } catch {
      return [];
    }
    return names
      .map((name) => join(root, group, name))
      .filter((dir) => {
        try {
          return statSync(join(dir, 'package.json')).isFile();
        } catch {
          return false;
        }
      })
      .map((dir) => ({
        dir,
        group,
        manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
      }));
  });
}

/** The workspaces npm would publish (not `private`). */
export function publishedWorkspaces(root) {
  return workspaces(root).filter(({ manifest }) => manifest.private !== true);
}
