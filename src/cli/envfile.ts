/**
 * Docker's --env-file / --label-file format: KEY=VALUE lines, a bare KEY takes its value from
 * the environment (and is left out when unset), `#` starts a comment line, blank lines are skipped,
 * leading white space is ignored, values are taken verbatim (no quotes processing).
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../common/errors.js';

export class EnvFileError extends UsageError {}

/** Parse the text of an env file; `file` names it in errors. */
export function parseEnvFileText(text: string, file: string, lookup: (k: string) => string | undefined = (k) => process.env[k]): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    let line = i === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    line = line.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const variable = (eq >= 0 ? line.slice(0, eq) : line).replace(/^[ \t\n\v\f\r]+/, '');
    if (/[ \t\n\v\f\r]/.test(variable)) {
      throw new EnvFileError(`invalid env file (${file}): variable '${variable}' contains whitespaces (line ${lineNo})`);
    }
    if (variable.length === 0) {
      throw new EnvFileError(`invalid env file (${file}): no variable name on line '${line}' (line ${lineNo})`);
    }
    if (eq >= 0) out.push(`${variable}=${line.slice(eq + 1)}`);
    else {
      const v = lookup(variable);
      if (v !== undefined) out.push(`${variable}=${v}`);
    }
  });
  return out;
}

export function readEnvFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EnvFileError(`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  return parseEnvFileText(text, path);
}

/** Label files: like env files, but a bare key is a label with an empty value. */
export function readLabelFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EnvFileError(`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** `-e KEY` (no '=') takes the value from our environment, or is dropped when unset (Docker). */
export function resolveEnvArg(arg: string, lookup: (k: string) => string | undefined = (k) => process.env[k]): string | undefined {
  if (arg.includes('=')) {
    if (arg.startsWith('=')) throw new UsageError(`invalid argument "${arg}" for "-e, --env" flag: invalid environment variable: ${arg}`);
    return arg;
  }
  const v = lookup(arg);
  return v === undefined ? undefined : `${arg}=${v}`;
}
