/**
 * A clone whose install is missing or broken (no node_modules, a native module built for another
 * Node or not built, dist/ not or partly built) fails with Node's module errors and a stack trace.
 * The CLI and daemon entries turn those into one line naming the missing piece and the fix.
 */
import { BerthError, InstallError } from './errors.js';

const NATIVE_FAILURE = /NODE_MODULE_VERSION|invalid ELF header|wrong ELF class|file too short|Could not locate the bindings file|cannot open shared object file|undefined symbol|\.node\b/;

/** "koffi" from ".../node_modules/koffi/build/koffi/linux_x64/koffi.node" */
function packageIn(text: string): string | undefined {
  const all = [...text.matchAll(/node_modules\/((?:@[^/\s'"]+\/)?[^/\s'"]+)/g)];
  return all.at(-1)?.[1];
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The InstallError that `e` stands for, or undefined when `e` is not about the install. */
export function installErrorOf(e: unknown, repo: string): InstallError | undefined {
  if (e instanceof InstallError) return e;
  if (e instanceof BerthError) return undefined; // the engine's own errors are never about the install
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err || typeof err.message !== 'string') return undefined;
  const msg = err.message;
  const first = msg.split('\n')[0];
  if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') {
    const wanted = /Cannot find (?:package|module) '([^']+)'/.exec(msg)?.[1];
    if (!wanted) return undefined;
    if (!wanted.startsWith('.') && !wanted.startsWith('/') && !wanted.startsWith('file:') && !wanted.startsWith('node:')) {
      return new InstallError(`the npm package ${packageOf(wanted)} is not installed (node_modules is missing or incomplete)`, repo);
    }
    const dist = /\/dist\/(.*)$/.exec(wanted.replace(/^file:\/\//, ''));
    if (dist) return new InstallError(`dist/${dist[1]} is missing (berth is not built, or only partly)`, repo);
    const pkg = packageIn(wanted);
    if (pkg) return new InstallError(`the npm package ${pkg} is incomplete (${wanted} is missing)`, repo);
    return undefined;
  }
  // koffi's loader hides the dlopen error behind its own message
  const koffi = /^Cannot find the native Koffi module/.exec(first);
  if (koffi) return new InstallError(`the native module of koffi failed to load (${first})`, repo);
  if (err.code === 'ERR_DLOPEN_FAILED' || (NATIVE_FAILURE.test(first) && packageIn(msg))) {
    const pkg = packageIn(msg) ?? 'a native module';
    return new InstallError(`the native module of ${pkg} failed to load (${first.replace(/\s+/g, ' ').slice(0, 200)})`, repo);
  }
  return undefined;
}
