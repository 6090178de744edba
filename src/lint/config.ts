/**
 * What to check and how strictly: `.berth-lint.yaml` (or `--config FILE`), `--strict`, `--no-shellcheck`,
 * and inline `# berth-ignore=CODE` / `# hadolint ignore=CODE` comments. hadolint's DL codes are read as
 * the berth (or BuildKit) rule that checks the same thing, so existing Dockerfiles' ignores keep working.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidArgumentError } from '../common/errors.js';
import { reachesThreshold } from './output/severity.js';
import { defaultLintConfig } from './registry.js';
import type { LintConfig, LintFinding, LintSeverity } from './types.js';

export const SEVERITIES: readonly LintSeverity[] = ['error', 'warning', 'info', 'style'];
export const CONFIG_FILES = ['.berth-lint.yaml', '.berth-lint.yml'];

/** Without --strict or a config, warnings and errors fail the command; info and style are advice. */
export { defaultLintConfig };

/**
 * hadolint's codes and the rule that checks the same thing here. Codes not listed have no equivalent
 * (e.g. DL3008, pinning apt package versions): ignoring them changes nothing. ShellCheck's SC codes
 * are the same in both.
 */
export const HADOLINT_EQUIVALENTS: Readonly<Record<string, string>> = {
  DL3000: 'WorkdirRelativePath',
  DL3002: 'BL2001',
  DL3004: 'BL2003',
  DL3005: 'BL3003',
  DL3006: 'BL1001',
  DL3007: 'BL1001',
  DL3009: 'BL3002',
  DL3015: 'BL3001',
  DL3019: 'BL3004',
  DL3020: 'BL6001',
  DL3024: 'DuplicateStageName',
  DL3025: 'JSONArgsRecommended',
  DL3026: 'BL1002',
  DL3032: 'BL3005',
  DL3036: 'BL3005',
  DL3040: 'BL3005',
  DL3042: 'BL3006',
  DL3059: 'BL6003',
  DL4000: 'MaintainerDeprecated',
};

/** A code as berth knows it: DL codes become their equivalent (or nothing), others stay. */
export function canonicalCode(code: string): string | undefined {
  const c = code.trim();
  if (/^DL\d{4}$/i.test(c)) return HADOLINT_EQUIVALENTS[c.toUpperCase()];
  if (/^(BL|SC)\d{4}$/i.test(c)) return c.toUpperCase();
  return c;
}

function canonicalCodes(codes: string[]): string[] {
  return [...new Set(codes.map(canonicalCode).filter((c): c is string => !!c))];
}

const fail = (file: string, msg: string): never => { throw new InvalidArgumentError(`lint config ${file}: ${msg}`, 'ERR_LINT_CONFIG'); };

function codeList(file: string, key: string, v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== '')) fail(file, `"${key}" must be a list of rule codes`);
  return v as string[];
}

function severity(file: string, key: string, v: unknown, allowOff: boolean): LintSeverity | 'off' {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  if ((SEVERITIES as readonly string[]).includes(s)) return s as LintSeverity;
  if (allowOff && ['off', 'none', 'ignore'].includes(s)) return 'off';
  return fail(file, `"${key}" must be one of ${SEVERITIES.join(', ')}${allowOff ? ', off' : ', none'}, not ${JSON.stringify(v)}`);
}

/** Reads one config file's text onto `base` (defaults). Any unknown key or wrong type is an ERR_LINT_CONFIG error naming the file. */
export function parseLintConfig(text: string, file: string, base: LintConfig = defaultLintConfig()): LintConfig {
  let doc: unknown;
  try { doc = parseYaml(text); } catch (e) { fail(file, `not valid YAML: ${(e as Error).message.split('\n')[0]}`); }
  if (doc === null || doc === undefined) return base;
  if (typeof doc !== 'object' || Array.isArray(doc)) fail(file, 'must be a mapping of settings');
  const cfg: LintConfig = { ...base, disabled: [...base.disabled], severities: { ...base.severities }, trustedRegistries: [...base.trustedRegistries] };
  for (const [key, v] of Object.entries(doc as Record<string, unknown>)) {
    switch (key) {
      case 'ignored': case 'disabled':
        cfg.disabled.push(...canonicalCodes(codeList(file, key, v)));
        break;
      case 'enabled':
        cfg.enabled = canonicalCodes(codeList(file, key, v));
        break;
      case 'severity': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, '"severity" must map rule codes to error, warning, info, style or off');
        for (const [code, level] of Object.entries(v as Record<string, unknown>)) {
          const c = canonicalCode(code);
          const s = severity(file, `severity.${code}`, level, true);
          if (!c) continue;
          if (s === 'off') cfg.disabled.push(c); else cfg.severities[c] = s;
        }
        break;
      }
      case 'override': {
        // hadolint's form: {error: [codes], warning: [codes], …}
        if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, '"override" must map severities to lists of rule codes');
        for (const [level, codes] of Object.entries(v as Record<string, unknown>)) {
          const s = severity(file, `override.${level}`, level, false) as LintSeverity;
          for (const c of canonicalCodes(codeList(file, `override.${level}`, codes))) cfg.severities[c] = s;
        }
        break;
      }
      case 'trustedRegistries': case 'trusted-registries': case 'trustedregistries':
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/i.test(x))) fail(file, `"${key}" must be a list of registries (docker.io, registry.example.com:5000, docker.io/library)`);
        cfg.trustedRegistries.push(...(v as string[]));
        break;
      case 'failureThreshold': case 'failure-threshold':
        cfg.failureThreshold = v === 'none' ? 'none' : severity(file, key, v, false) as LintSeverity;
        break;
      case 'shellcheck':
        if (typeof v !== 'boolean') fail(file, '"shellcheck" must be true or false');
        cfg.shellcheck = v as boolean;
        break;
      default:
        fail(file, `unknown setting "${key}" (known: ignored, disabled, enabled, severity, override, trustedRegistries, failureThreshold, shellcheck)`);
    }
  }
  cfg.disabled = [...new Set(cfg.disabled)];
  return cfg;
}

export interface LintConfigOptions {
  /** the build context: `.berth-lint.yaml` there is read when no --config is given */
  contextDir?: string;
  /** --config FILE: must exist */
  configPath?: string;
  /** --strict: every finding, style included, fails the command */
  strict?: boolean;
  /** --no-shellcheck */
  noShellcheck?: boolean;
}

/** The config from the file (if any) with the command line's flags on top; `file` is the path read. */
export async function loadLintConfig(opts: LintConfigOptions = {}): Promise<{ config: LintConfig; file?: string }> {
  let config = defaultLintConfig();
  let file: string | undefined;
  if (opts.configPath) {
    file = opts.configPath;
    let text: string;
    try { text = await readFile(file, 'utf8'); } catch (e) { return fail(file, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    config = parseLintConfig(text, file);
  } else if (opts.contextDir) {
    for (const name of CONFIG_FILES) {
      const p = join(opts.contextDir, name);
      let text: string;
      try { text = await readFile(p, 'utf8'); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        return fail(p, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      file = p;
      config = parseLintConfig(text, p);
      break;
    }
  }
  if (opts.strict) config.failureThreshold = 'style';
  if (opts.noShellcheck) config.shellcheck = false;
  return { config, ...(file ? { file } : {}) };
}

/** Whether a rule runs under the config (a code or, for BuildKit's rules, a name). */
export function ruleEnabled(config: LintConfig, code: string): boolean {
  if (config.disabled.includes(code)) return false;
  return !config.enabled || config.enabled.includes(code);
}

/** Whether any finding is at or above the threshold (the command's exit status). */
export function failsThreshold(findings: LintFinding[], threshold: LintSeverity | 'none'): boolean {
  return findings.some((f) => reachesThreshold(f, threshold));
}

/** The config's view of findings: disabled codes dropped, severities overridden. */
export function applyConfig(config: LintConfig, findings: LintFinding[]): LintFinding[] {
  return findings.filter((f) => ruleEnabled(config, f.code)).map((f) => (config.severities[f.code] ? { ...f, severity: config.severities[f.code] } : f));
}

const INLINE_IGNORE = /^\s*#\s*(?:berth-ignore\s*=|hadolint\s+ignore\s*=)\s*([A-Za-z0-9_,\s]+?)\s*$/i;
const FILE_IGNORE = /^\s*#\s*(?:berth-ignore-file\s*=|hadolint\s+global\s+ignore\s*=)\s*([A-Za-z0-9_,\s]+?)\s*$/i;

export interface InlineIgnores {
  /** codes ignored in the whole file (`# berth-ignore-file=`, `# hadolint global ignore=`) */
  file: Set<string>;
  /** per instruction: its lines and the codes ignored there */
  instructions: Array<{ startLine: number; endLine: number; codes: Set<string> }>;
}

/**
 * The comments on the lines right above each instruction (a block of comment lines, no blank line
 * between) that name codes to ignore for that instruction.
 */
export function inlineIgnores(lines: string[], instructions: Array<{ startLine: number; endLine: number }>): InlineIgnores {
  const file = new Set<string>();
  for (const l of lines) {
    const m = FILE_IGNORE.exec(l);
    if (m) for (const c of canonicalCodes(m[1].split(/[\s,]+/).filter(Boolean))) file.add(c);
  }
  const out: InlineIgnores['instructions'] = [];
  for (const ins of instructions) {
    const codes = new Set<string>();
    for (let ln = ins.startLine - 1; ln >= 1; ln--) {
      const text = lines[ln - 1] ?? '';
      if (!/^\s*#/.test(text)) break;
      const m = INLINE_IGNORE.exec(text);
      if (m) for (const c of canonicalCodes(m[1].split(/[\s,]+/).filter(Boolean))) codes.add(c);
    }
    if (codes.size > 0) out.push({ startLine: ins.startLine, endLine: ins.endLine, codes });
  }
  return { file, instructions: out };
}

/** Findings without those an inline comment ignores. */
export function applyInlineIgnores(ignores: InlineIgnores, findings: LintFinding[]): LintFinding[] {
  return findings.filter((f) => {
    if (ignores.file.has(f.code)) return false;
    return !ignores.instructions.some((i) => f.line >= i.startLine && f.line <= i.endLine && i.codes.has(f.code));
  });
}
