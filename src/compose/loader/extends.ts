/** Placeholder replaced below. */
import type { FileContext } from './load.js';
import type { ParsedFile } from './yaml-source.js';
import { NotSupportedError } from '../../common/errors.js';
export function applyExtends(tree: Record<string, unknown>, _parsed: ParsedFile, _ctx: FileContext): Record<string, unknown> {
  const services = tree.services as Record<string, Record<string, unknown>> | undefined;
  for (const [n, s] of Object.entries(services ?? {})) if (s && typeof s === 'object' && 'extends' in s) throw new NotSupportedError(`services.${n}.extends is not supported yet`);
  return tree;
}
