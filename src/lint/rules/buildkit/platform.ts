/** containerd's platform specifier parsing (`linux`, `amd64`, `linux/arm64/v8`), enough to read FROM --platform. */
const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos', 'wasip1']);
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);
const SPECIFIER = /^[A-Za-z0-9_-]+$/;

export interface Platform { os: string; arch: string; variant?: string }

function normalizeOS(os: string): string {
  const o = os.toLowerCase();
  return o === 'macos' ? 'darwin' : o;
}

function normalizeArch(arch: string): string {
  const a = arch.toLowerCase();
  if (a === 'i386') return '386';
  if (a === 'x86_64' || a === 'x86-64') return 'amd64';
  if (a === 'aarch64') return 'arm64';
  if (a === 'armhf' || a === 'armel') return 'arm';
  return a;
}

/** undefined when the specifier is not a platform */
export function parsePlatform(spec: string): Platform | undefined {
  const parts = spec.split('/');
  if (parts.length > 3 || parts.some((p) => !SPECIFIER.test(p))) return undefined;
  if (parts.length === 1) {
    const p = parts[0].toLowerCase();
    if (KNOWN_OS.has(normalizeOS(p))) return { os: normalizeOS(p), arch: '' };
    const arch = normalizeArch(p);
    return KNOWN_ARCH.has(arch) ? { os: 'linux', arch } : undefined;
  }
  return { os: normalizeOS(parts[0]), arch: normalizeArch(parts[1]), variant: parts[2] };
}
