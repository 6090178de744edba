/**
 * The short forms `compose run` takes on its command line, in the model's long form: -p's
 * "[ip:][host:]container[/proto]" (ranges expanded one entry per port, as the loader does), -v's
 * "[source:]target[:mode]", and --entrypoint's shell words.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ServicePortConfig, ServiceVolumeConfig } from '../model.js';
import { composeError } from './errors.js';

function range(text: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw composeError(`invalid ${what} port: ${text}`, 'ERR_INVALID_ARGUMENT');
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (b < a || b > 65535) throw composeError(`invalid ${what} port range: ${text}`, 'ERR_INVALID_ARGUMENT');
  return [a, b];
}

export function parsePortSpec(spec: string): ServicePortConfig[] {
  let rest = spec;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) { protocol = rest.slice(slash + 1).toLowerCase(); rest = rest.slice(0, slash); }
  let hostIp: string | undefined;
  const bracket = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (bracket) { hostIp = bracket[1]; rest = bracket[2]; }
  const parts = rest.split(':');
  if (parts.length > 3 || (bracket && parts.length > 2)) throw composeError(`invalid port specification: ${JSON.stringify(spec)}`, 'ERR_INVALID_ARGUMENT');
  if (parts.length === 3) hostIp = parts.shift();
  const container = parts.pop()!;
  const host = parts.pop();
  const [cs, ce] = range(container, 'container');
  const hostRange = host ? range(host, 'host') : undefined;
  if (hostRange && hostRange[1] - hostRange[0] !== ce - cs && hostRange[0] !== hostRange[1]) throw composeError(`port ranges don't match: ${JSON.stringify(spec)}`, 'ERR_INVALID_ARGUMENT');
  const out: ServicePortConfig[] = [];
  for (let p = cs; p <= ce; p++) {
    let published: string | undefined;
    if (hostRange) published = hostRange[0] === hostRange[1] ? String(hostRange[0]) : String(hostRange[0] + (p - cs));
    out.push({ target: p, protocol, mode: 'ingress', ...(published ? { published } : {}), ...(hostIp ? { host_ip: hostIp } : {}) });
  }
  return out;
}

export function parseVolumeSpec(spec: string, workingDir: string): ServiceVolumeConfig {
  const parts = spec.split(':');
  if (parts.length === 1) return { type: 'volume', target: spec };
  if (parts.length > 3) throw composeError(`invalid volume specification: ${JSON.stringify(spec)}`, 'ERR_INVALID_ARGUMENT');
  const [source, target, mode = ''] = parts;
  const modes = mode ? mode.split(',') : [];
  const readOnly = modes.includes('ro');
  const local = source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
  if (!local) return { type: 'volume', source, target, ...(readOnly ? { read_only: true } : {}), ...(modes.includes('nocopy') ? { volume: { nocopy: true } } : {}) };
  const abs = source.startsWith('~') ? resolve(process.env.HOME ?? '/', source.slice(2)) : isAbsolute(source) ? source : resolve(workingDir, source);
  const selinux = modes.find((m) => m === 'z' || m === 'Z') as 'z' | 'Z' | undefined;
  const propagation = modes.find((m) => /^r?(shared|slave|private)$/.test(m));
  return {
    type: 'bind', source: abs, target, ...(readOnly ? { read_only: true } : {}),
    bind: { create_host_path: true, ...(selinux ? { selinux } : {}), ...(propagation ? { propagation } : {}) },
  };
}

/** Shell words as go-shellwords splits them: blanks separate, quotes and backslashes group. */
export function shellWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) cur += text[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") { quote = ch; inWord = true; continue; }
    if (ch === '\\' && i + 1 < text.length) { cur += text[++i]; inWord = true; continue; }
    if (/\s/.test(ch)) { if (inWord) { out.push(cur); cur = ''; inWord = false; } continue; }
    cur += ch;
    inWord = true;
  }
  if (quote) throw composeError(`invalid command line string: ${JSON.stringify(text)}`, 'ERR_USAGE');
  if (inWord) out.push(cur);
  return out;
}
