import { spawnSync } from 'node:child_process';

/**
 * Interpreters tried in order: `$BENCH_PYTHON`, `python3`, then the system's `/usr/bin/python3`
 * (a pyenv or virtualenv `python3` on the PATH often hides Debian's `python3-torch`).
 */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([env.BENCH_PYTHON, 'python3', '/usr/bin/python3'])].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
}

/** The first interpreter where `python -c "import torch"` works, or `undefined`. */
export function findTorchPython(
  candidates: readonly string[] = pythonCandidates(),
): string | undefined {
  return candidates.find(
    (python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  );
}
