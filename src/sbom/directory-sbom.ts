/** The SBOM of a directory: the daemon's for the API, the CLI's own for `berth sbom --dir` (no daemon needed). */
import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';
import { dirTree } from './dir-tree.js';
import { generateSbom } from './generate.js';
import type { Sbom } from './types.js';

export async function directorySbom(dir: string, opts: { signal?: AbortSignal } = {}): Promise<Sbom> {
  const path = resolvePath(dir);
  let isDir = false;
  try { isDir = statSync(path).isDirectory(); } catch { isDir = false; }
  if (!isDir) throw new InvalidArgumentError(`${dir}: not a directory`, 'ERR_SBOM_SOURCE');
  return generateSbom(dirTree(path), { type: 'directory', name: path }, opts);
}
