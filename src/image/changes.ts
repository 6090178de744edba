/**
 * `--change` instructions (docker import / commit): the Dockerfile instructions
 * that only touch the image config. JSON and shell forms as Dockerfile has them.
 */
import { posix } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';

const VALID = new Set(['cmd', 'entrypoint', 'env', 'expose', 'label', 'onbuild', 'stopsignal', 'user', 'volume', 'workdir']);
const DEFAULT_SHELL = ['/bin/sh', '-c'];

function bad(msg: string): InvalidArgumentError { return new InvalidArgumentError(msg, 'ERR_INVALID_CHANGE'); }

/** `["a","b"]` when the text is a JSON string array, otherwise undefined (shell form). */
function jsonForm(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch { /* shell form */ }
  return undefined;
}

type EnvMap = Map<string, string>;

function envMap(env: unknown): EnvMap {
  const m = new Map<string, string>();
  if (Array.isArray(env)) for (const e of env) { const i = String(e).indexOf('='); if (i > 0) m.set(e.slice(0, i), e.slice(i + 1)); }
  return m;
}

/** `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}` at text[i] (text[i] === '$'); returns value and end index. */
function expandVar(text: string, i: number, env: EnvMap): [string, number] {
  if (text[i + 1] === '{') {
    const end = text.indexOf('}', i + 2);
    if (end === -1) throw bad(`missing '}' in ${text}`);
    const body = text.slice(i + 2, end);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+])(.*))?$/s.exec(body);
    if (!m) throw bad(`bad substitution: \${${body}}`);
    const v = env.get(m[1]);
    if (m[2] === '-') return [v ? v : m[3], end + 1];
    if (m[2] === '+') return [v ? m[3] : '', end + 1];
    return [v ?? '', end + 1];
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
  if (!m) return ['$', i + 1];
  return [env.get(m[0]) ?? '', i + 1 + m[0].length];
}

/**
 * Split into words the way Dockerfile's word processing does: quotes group,
 * backslash escapes, and (when env is given) variables expand outside single quotes.
 */
function splitWords(text: string, env?: EnvMap): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && env && quote !== "'") {
      const [v, next] = expandVar(text, i, env);
      cur += v;
      inWord = true;
      i = next - 1;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") { quote = c; inWord = true; continue; }
    if (c === '\\' && i + 1 < text.length) { cur += text[++i]; inWord = true; continue; }
    if (/\s/.test(c)) {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (quote) throw bad(`unexpected end of statement while looking for matching ${quote}`);
  if (inWord) words.push(cur);
  return words;
}

/** `k=v k2="v 2"` or the legacy `k v with spaces` form (ENV, LABEL). */
function nameValues(instr: string, args: string, env: EnvMap): Array<[string, string]> {
  const words = splitWords(args, env);
  if (words.length === 0) throw bad(`${instr} requires at least one argument`);
  if (!/^[^\s=]+=/.test(args.trim())) {
    const m = /^\s*(\S+)\s+(.*)$/s.exec(args);
    if (!m) throw bad(`${instr} names can not be blank`);
    return [[m[1], splitWords(m[2].trim(), env).join(' ')]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw bad(`${instr} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** Expand `80`, `80/udp`, `8000-8002/tcp` into ExposedPorts keys. */
function exposedPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw bad(`invalid containerPort: ${spec}`);
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  if (from < 0 || to > 65535 || to < from) throw bad(`invalid range format for --expose: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const out: string[] = [];
  for (let p = from; p <= to; p++) out.push(`${p}/${proto}`);
  return out;
}

const SIGNAL_RE = /^(SIG)?[A-Z][A-Z0-9+-]*$|^\d+$/;

function setEnv(env: string[], key: string, value: string): string[] {
  const out = env.filter((e) => e.split('=')[0] !== key);
  out.push(`${key}=${value}`);
  return out;
}

/** Apply `--change` lines to a copy of a container config (Env, Cmd, ...). */
export function applyChanges(config: any, changes: string[]): any {
  const c: any = structuredClone(config ?? {});
  let cmdSet = false;
  for (const raw of changes) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)(?:\s+(.*))?$/s.exec(line)!;
    const instr = m[1].toLowerCase();
    const args = (m[2] ?? '').trim();
    if (!VALID.has(instr)) throw bad(`${instr} is not a valid change command`);
    const shell: string[] = Array.isArray(c.Shell) && c.Shell.length ? c.Shell : DEFAULT_SHELL;
    const env = envMap(c.Env);
    switch (instr) {
      case 'cmd': {
        c.Cmd = jsonForm(args) ?? [...shell, args];
        cmdSet = true;
        break;
      }
      case 'entrypoint': {
        const j = jsonForm(args);
        c.Entrypoint = j ?? (args === '' ? null : [...shell, args]);
        if (!cmdSet) c.Cmd = null; // a new entrypoint drops an inherited CMD, as Dockerfile does
        break;
      }
      case 'env': {
        let list: string[] = Array.isArray(c.Env) ? c.Env : [];
        for (const [k, v] of nameValues('ENV', args, env)) list = setEnv(list, k, v);
        c.Env = list;
        break;
      }
      case 'label': {
        c.Labels = { ...(c.Labels ?? {}) };
        for (const [k, v] of nameValues('LABEL', args, env)) c.Labels[k] = v;
        break;
      }
      case 'expose': {
        const ports = splitWords(args, env);
        if (ports.length === 0) throw bad('EXPOSE requires at least one argument');
        c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
        for (const p of ports) for (const k of exposedPorts(p)) c.ExposedPorts[k] = {};
        break;
      }
      case 'user': {
        if (!args) throw bad('USER requires exactly one argument');
        c.User = splitWords(args, env).join(' ');
        break;
      }
      case 'volume': {
        const vols = jsonForm(args) ?? splitWords(args, env);
        if (vols.length === 0) throw bad('VOLUME requires at least one argument');
        c.Volumes = { ...(c.Volumes ?? {}) };
        for (const v of vols) {
          if (!v.trim()) throw bad('VOLUME specified can not be an empty string');
          c.Volumes[v.trim()] = {};
        }
        break;
      }
      case 'workdir': {
        if (!args) throw bad('WORKDIR requires exactly one argument');
        const w = splitWords(args, env).join(' ');
        c.WorkingDir = posix.isAbsolute(w) ? posix.normalize(w) : posix.join(c.WorkingDir || '/', w);
        break;
      }
      case 'onbuild': {
        const inner = /^(\S+)/.exec(args)?.[1]?.toUpperCase();
        if (!inner) throw bad('ONBUILD requires at least one argument');
        if (inner === 'ONBUILD') throw bad("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (inner === 'FROM' || inner === 'MAINTAINER') throw bad(`${inner} isn't allowed as an ONBUILD trigger`);
        c.OnBuild = [...(c.OnBuild ?? []), args];
        break;
      }
      case 'stopsignal': {
        if (!SIGNAL_RE.test(args)) throw bad(`Invalid signal: ${args}`);
        c.StopSignal = args;
        break;
      }
    }
  }
  return c;
}
