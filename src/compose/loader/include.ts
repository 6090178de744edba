/** Placeholder replaced below. */
import type { FileContext } from './load.js';
import type { ParsedFile } from './yaml-source.js';
import { NotSupportedError } from '../../common/errors.js';
export function applyIncludes(tree: Record<string, unknown>, _parsed: ParsedFile, _ctx: FileContext): Record<string, unknown> {
  if (tree.include !== undefined) throw new NotSupportedError('include is not supported yet');
  return tree;
}
