import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { decodeCapMask } from './capabilities.js';
import { detectCgroups, type CgroupInfo } from './cgroups.js';

/** Facts about the daemon's own process that bound what a container may get. */
export interface HostFacts {
  capBounding: Set<string>;                 // the daemon can never hand out more than this
  hardLimits: Record<string, number>;       // RLIMIT_* -> hard limit (Infinity = unlimited)
  arch: string;                             // Go-style arch name, as seccomp profiles use: amd64, arm64, ...
  kernel: string;                           // '6.1.0'
  cgroups: CgroupInfo;
}

// /proc/self/limits row title -> OCI rlimit type
const LIMIT_ROWS: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU', 'Max file size': 'RLIMIT_FSIZE', 'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK', 'Max core file size': 'RLIMIT_CORE', 'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC', 'Max open files': 'RLIMIT_NOFILE', 'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS', 'Max file locks': 'RLIMIT_LOCKS', 'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE', 'Max nice priority': 'RLIMIT_NICE', 'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Parse /proc/self/limits text (Node has no getrlimit). */
export function parseProcLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const title = Object.keys(LIMIT_ROWS).find((t) => line.startsWith(t + ' '));
    if (!title) continue;
    const fields = line.slice(title.length).trim().split(/\s+/);
    const hard = fields[1];
    out[LIMIT_ROWS[title]] = hard === 'unlimited' ? Infinity : Number(hard);
  }
  return out;
}

const NODE_TO_GO_ARCH: Record<string, string> = {
  x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64',
  loong64: 'loong64', mips: 'mips', mipsel: 'mipsle',
};

let cached: HostFacts | undefined;

export function hostFacts(opts: { refresh?: boolean } = {}): HostFacts {
  if (cached && !opts.refresh) return cached;
  const status = readFileSync('/proc/self/status', 'utf8');
  const bnd = /^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0';
  cached = {
    capBounding: decodeCapMask(bnd),
    hardLimits: parseProcLimits(readFileSync('/proc/self/limits', 'utf8')),
    arch: NODE_TO_GO_ARCH[process.arch] ?? process.arch,
    kernel: release().split('-')[0],
    cgroups: detectCgroups({ refresh: opts.refresh }),
  };
  return cached;
}
