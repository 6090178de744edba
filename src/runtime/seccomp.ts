import { readFileSync } from 'node:fs';
// Docker's default profile (moby profiles/seccomp/default.json, Apache-2.0), shipped in the tree so the
// product reads nothing outside it; test/runtime/spec.test.ts keeps it equal to the pinned upstream copy.
import mobyDefaultProfile from './seccomp-default.json' with { type: 'json' };
import { InvalidArgumentError } from '../common/errors.js';
import type { HostFacts } from './host.js';

/** Go arch name -> libseccomp arch name (what archMap entries use). */
const GO_TO_SCMP_ARCH: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', '386': 'SCMP_ARCH_X86', arm64: 'SCMP_ARCH_AARCH64', arm: 'SCMP_ARCH_ARM',
  s390x: 'SCMP_ARCH_S390X', ppc64le: 'SCMP_ARCH_PPC64LE', riscv64: 'SCMP_ARCH_RISCV64', loong64: 'SCMP_ARCH_LOONGARCH64',
  mips64: 'SCMP_ARCH_MIPS64', mips64le: 'SCMP_ARCH_MIPSEL64',
};

// Profiles name arches the way Docker's seccomp loader does (amd64, x32, x86, ...); these are the aliases of the host arch.
const ARCH_ALIASES: Record<string, string[]> = { amd64: ['amd64', 'x86_64'], '386': ['386', 'x86'], arm64: ['arm64', 'aarch64'], arm: ['arm'] };

let defaultProfile: any;
/** The default profile: BERTH_SECCOMP_PROFILE (a file) when set, else Docker's, built in. */
export function loadDefaultSeccompProfile(): any {
  if (!defaultProfile) {
    const override = process.env.BERTH_SECCOMP_PROFILE;
    defaultProfile = override ? JSON.parse(readFileSync(override, 'utf8')) : mobyDefaultProfile;
  }
  return defaultProfile;
}

function compareKernel(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Resolve a Docker-format seccomp profile (archMap, includes/excludes on caps, arches, minKernel)
 * for this host arch, kernel and the container's effective capabilities into OCI linux.seccomp.
 */
export function resolveSeccomp(profile: any, caps: string[], host: Pick<HostFacts, 'arch' | 'kernel'>): any {
  if (!profile || typeof profile !== 'object' || !profile.defaultAction) throw new InvalidArgumentError('seccomp profile has no defaultAction');
  const archNames = ARCH_ALIASES[host.arch] ?? [host.arch];
  const capSet = new Set(caps);
  const matchesArch = (arches?: string[]) => !!arches?.some((a) => archNames.includes(a));

  let architectures: string[] | undefined;
  if (Array.isArray(profile.archMap)) {
    const native = GO_TO_SCMP_ARCH[host.arch];
    const entry = profile.archMap.find((m: any) => m.architecture === native);
    if (entry) architectures = [entry.architecture, ...(entry.subArchitectures ?? [])];
  } else if (Array.isArray(profile.architectures)) {
    architectures = profile.architectures;
  }

  const syscalls: any[] = [];
  for (const rule of profile.syscalls ?? []) {
    const inc = rule.includes ?? {};
    const exc = rule.excludes ?? {};
    if (exc.arches && matchesArch(exc.arches)) continue;
    if (exc.caps && exc.caps.some((c: string) => capSet.has(c))) continue;
    if (exc.minKernel && compareKernel(host.kernel, exc.minKernel) >= 0) continue;
    if (inc.arches && !matchesArch(inc.arches)) continue;
    if (inc.caps && !inc.caps.every((c: string) => capSet.has(c))) continue;
    if (inc.minKernel && compareKernel(host.kernel, inc.minKernel) < 0) continue;
    const names: string[] = rule.names ?? (rule.name ? [rule.name] : []);
    if (names.length === 0) continue;
    const out: any = { names, action: rule.action };
    if (rule.errnoRet !== undefined) out.errnoRet = rule.errnoRet;
    if (rule.args?.length) out.args = rule.args.map((a: any) => ({ index: a.index, value: a.value, ...(a.valueTwo !== undefined ? { valueTwo: a.valueTwo } : {}), op: a.op }));
    syscalls.push(out);
  }
  const result: any = { defaultAction: profile.defaultAction, syscalls };
  if (profile.defaultErrnoRet !== undefined) result.defaultErrnoRet = profile.defaultErrnoRet;
  if (architectures?.length) result.architectures = architectures;
  if (profile.flags?.length) result.flags = profile.flags;
  if (profile.listenerPath) result.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata) result.listenerMetadata = profile.listenerMetadata;
  return result;
}
