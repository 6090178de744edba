/**
 * crun compiles linux.seccomp to BPF with libseccomp on every `create`: for Docker's default profile
 * that is about half of a bare `crun run` (~25 ms on a small machine). crun keeps the program it
 * loaded in <state root>/<id>/seccomp.bpf and accepts a ready one, base64, in the
 * `run.oci.seccomp_bpf_data` annotation; so each distinct profile is compiled once per daemon and
 * later containers are handed the result. linux.seccomp stays in the spec (crun still reads its flags;
 * runc ignores the annotation, so it is only given to crun).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OciRuntimeInfo } from './oci-runtime.js';

const SECCOMP_BPF_ANNOTATION = 'run.oci.seccomp_bpf_data';
const MAX_PROFILES = 32;
const SOCK_FILTER_SIZE = 8; // struct sock_filter: one BPF instruction

/** profile key -> base64 BPF, oldest first (a Map keeps insertion order) */
const compiled = new Map<string, string>();

function profileKey(runtime: OciRuntimeInfo, seccomp: unknown): string {
  return createHash('sha256').update(runtime.path).update('\0').update(JSON.stringify(seccomp)).digest('hex');
}

/**
 * Put the compiled program of spec.linux.seccomp into the spec's annotations when it is known.
 * Returns the key to pass to rememberCompiledSeccomp() after the create when it is not known yet.
 */
export function useCompiledSeccomp(spec: any, runtime: OciRuntimeInfo): string | undefined {
  const seccomp = spec?.linux?.seccomp;
  // a listener (SCMP_ACT_NOTIFY) needs crun's own set-up; an explicit annotation wins
  if (runtime.name !== 'crun' || !seccomp || seccomp.listenerPath || spec.annotations?.[SECCOMP_BPF_ANNOTATION]) return undefined;
  const key = profileKey(runtime, seccomp);
  const bpf = compiled.get(key);
  if (bpf === undefined) return key;
  spec.annotations = { ...(spec.annotations ?? {}), [SECCOMP_BPF_ANNOTATION]: bpf };
  return undefined;
}

/** After `crun create` compiled the profile: keep the program it wrote for the next containers. */
export function rememberCompiledSeccomp(key: string | undefined, runtime: OciRuntimeInfo, id: string): void {
  if (!key) return;
  let bpf: Buffer;
  try { bpf = readFileSync(join(runtime.root, id, 'seccomp.bpf')); } catch { return; /* this crun keeps no copy: it compiles every time */ }
  if (bpf.length === 0 || bpf.length % SOCK_FILTER_SIZE !== 0) return;
  if (compiled.size >= MAX_PROFILES) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, bpf.toString('base64'));
}
