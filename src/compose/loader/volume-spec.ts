/**
 * The short syntax of a service volume, `[SOURCE:]TARGET[:OPTIONS]`, in compose-go's reading: a source
 * that starts with `.`, `/` or `~` is a bind (created on the host when missing), any other source a
 * named volume, no source an anonymous volume; options are comma-separated (ro, rw, nocopy, z, Z, and
 * the bind propagations).
 */
import type { ServiceVolumeConfig } from '../model.js';

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

export class VolumeSpecError extends Error {}

export function parseVolumeSpec(spec: string): ServiceVolumeConfig {
  if (spec.length === 0) throw new VolumeSpecError('invalid empty volume spec');
  if (spec.length <= 2) return { type: 'volume', target: spec };
  const parts = splitSpec(spec);
  if (parts.some((p) => p === '')) throw new VolumeSpecError(`invalid spec: ${spec}: empty section between colons`);
  if (parts.length > 3) throw new VolumeSpecError(`invalid spec: ${spec}: too many colons`);
  const v: ServiceVolumeConfig = parts.length === 1 ? { type: 'volume', target: parts[0]! } : { type: 'volume', source: parts[0]!, target: parts[1]! };
  if (parts.length === 3) {
    for (const option of parts[2]!.split(',')) {
      if (option === 'ro') v.read_only = true;
      else if (option === 'rw') v.read_only = false;
      else if (option === 'nocopy') v.volume = { nocopy: true };
      else if (PROPAGATIONS.has(option)) v.bind = { ...v.bind, propagation: option };
      else if (option === 'z' || option === 'Z') v.bind = { ...v.bind, selinux: option };
    }
  }
  if (v.source !== undefined && isFilePath(v.source)) {
    v.type = 'bind';
    v.bind = { ...v.bind, create_host_path: true };
  } else {
    v.volume = { ...v.volume };
    delete v.bind;
  }
  return v;
}

/** Split on ':' but not inside `${…}` (an unexpanded variable) nor after a Windows drive letter. */
function splitSpec(spec: string): string[] {
  const parts: string[] = [];
  let buf = '';
  let depth = 0;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === '$' && spec[i + 1] === '{') { depth++; buf += c; continue; }
    if (c === '}' && depth > 0) { depth--; buf += c; continue; }
    if (c === ':' && depth === 0 && !(buf.length === 1 && /[A-Za-z]/.test(buf) && parts.length === 0 && spec[i + 1] === '\\')) {
      parts.push(buf); buf = ''; continue;
    }
    buf += c;
  }
  parts.push(buf);
  return parts;
}

export function isFilePath(source: string): boolean {
  return source.length > 0 && (source[0] === '.' || source[0] === '/' || source[0] === '~');
}
