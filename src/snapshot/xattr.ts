import { run } from '../common/exec.js';
import { NotSupportedError, SystemError } from '../common/errors.js';

/**
 * Extended attributes through the `attr` package's setfattr/getfattr (Node has no
 * xattr syscalls). Values travel base64-encoded (`0s...`) so any byte survives the
 * command line. Symlinks are never followed (-h).
 */

/**
 * The opaque-dir attribute overlayfs reads: trusted.overlay.opaque, or user.overlay.opaque in a rootless
 * engine (its overlays are mounted with `userxattr`, since trusted.* needs the host's CAP_SYS_ADMIN).
 * A live binding: useUserOverlayXattrs() switches it once, at the rootless daemon's start.
 */
export let OVERLAY_OPAQUE = 'trusted.overlay.opaque';

export function useUserOverlayXattrs(): void { OVERLAY_OPAQUE = 'user.overlay.opaque'; }

function missingTool(e: unknown, tool: string): never {
  if ((e as { code?: string }).code === 'ERR_EXEC') {
    throw new NotSupportedError(`${tool} is not installed: install the Debian package "attr" to handle extended attributes`, 'ERR_XATTR_TOOL_MISSING');
  }
  throw e;
}

export async function setXattr(path: string, name: string, value: Buffer): Promise<void> {
  const r = await run('setfattr', ['-h', '-n', name, '-v', '0s' + value.toString('base64'), path]).catch((e) => missingTool(e, 'setfattr'));
  if (r.code !== 0) throw new SystemError(`setfattr ${name} on ${path}: ${r.stderr.trim()}`, 'ERR_XATTR');
}

/** Undo getfattr's octal escaping of file names (`\012`, `\\`). */
function unescapeName(s: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else if (raw[i] === 0x5c && raw[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i += 1;
    } else {
      bytes.push(raw[i]!);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeValue(v: string): Buffer {
  if (v.startsWith('0s')) return Buffer.from(v.slice(2), 'base64');
  if (v.startsWith('0x')) return Buffer.from(v.slice(2), 'hex');
  if (v.startsWith('"') && v.endsWith('"')) return Buffer.from(v.slice(1, -1), 'utf8');
  return Buffer.from(v, 'utf8');
}

/** Parse `getfattr -d -e base64 --absolute-names` output into path -> name -> value. */
function parseGetfattr(out: string): Map<string, Map<string, Buffer>> {
  const result = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      result.set(unescapeName(line.slice(8)), current);
    } else if (current && line.length > 0 && !line.startsWith('#')) {
      const eq = line.indexOf('=');
      if (eq < 0) current.set(line, Buffer.alloc(0));
      else current.set(line.slice(0, eq), decodeValue(line.slice(eq + 1)));
    }
  }
  return result;
}

/**
 * All extended attributes (every namespace) of every file below dir, in one
 * getfattr run; keys are absolute paths. Files without attributes are absent.
 */
export async function readXattrTree(dir: string): Promise<Map<string, Map<string, Buffer>>> {
  const r = await run('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'base64', '--absolute-names', dir], { timeoutMs: 600_000 })
    .catch((e) => missingTool(e, 'getfattr'));
  // getfattr exits 1 when some file has no attributes it may read; output is still complete.
  if (r.code !== 0 && r.stdout === '' && r.stderr.trim() !== '') throw new SystemError(`getfattr ${dir}: ${r.stderr.trim()}`, 'ERR_XATTR');
  return parseGetfattr(r.stdout);
}

/** The extended attributes of one file (symlinks not followed). */
export async function readXattrs(path: string): Promise<Map<string, Buffer>> {
  const r = await run('getfattr', ['-h', '-d', '-m', '-', '-e', 'base64', '--absolute-names', path]).catch((e) => missingTool(e, 'getfattr'));
  if (r.code !== 0 && r.stdout === '') return new Map();
  return parseGetfattr(r.stdout).values().next().value ?? new Map();
}
