/**
 * Output defaults from the docker CLI's config.json (psFormat, imagesFormat, networksFormat,
 * volumesFormat, statsFormat), used as docker does when --format is not given. A config that cannot
 * be read is docker's warning on stderr, and the command goes on with its built-in table.
 */
import { dockerConfigPath, readDockerConfig } from '../common/docker-config.js';

export type ConfigFormatKey = 'psFormat' | 'imagesFormat' | 'networksFormat' | 'volumesFormat' | 'statsFormat';

let cached: Record<string, unknown> | undefined;

function config(): Record<string, unknown> {
  if (cached) return cached;
  try {
    cached = readDockerConfig();
  } catch (e) {
    const why = ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;
    process.stderr.write(`WARNING: Error parsing config file (${dockerConfigPath()}): ${why}\n`);
    cached = {};
    return cached;
  }
  // docker rejects the whole file when a field has the wrong type
  for (const [k, v] of Object.entries(cached)) {
    if (/Format$/.test(k) && typeof v !== 'string') {
      process.stderr.write(`WARNING: Error parsing config file (${dockerConfigPath()}): ${k} is not a string\n`);
      cached = {};
      break;
    }
  }
  return cached;
}

/** The format a list command uses: --format when given (not empty), else the config's, else '' (the built-in table). */
export function listFormat(key: ConfigFormatKey, flag: string | undefined): string {
  if (flag) return flag;
  const v = config()[key];
  return typeof v === 'string' ? v : '';
}
