/**
 * Entry of the bundled CLI and daemon (bin/berth runs this). It refuses a Node.js older than the one
 * berth is built for, with the fix, instead of a stack trace from a missing built-in; then turns on
 * Node's compile cache (module.enableCompileCache: V8 code cache kept next to the bundle, in
 * .compile-cache) and runs dist/cli/berth.cjs. Measured on one machine and run: `ps` against no
 * daemon 106 ms with it, 107 ms with the hand-made vm.Script cache it replaces, 134-160 ms as an
 * ES module bundle (ESM entry points compile before any cache can be turned on for them).
 */
import Module from 'node:module';
import { join } from 'node:path';
import { installErrorOf } from '../common/install-check.js';

const REQUIRED_NODE_MAJOR = 24;

/** The message for an unsupported Node, or undefined when this one will do. */
function nodeVersionProblem(version: string): string | undefined {
  const major = parseInt(version.replace(/^v/, ''), 10);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return `berth: Node.js ${REQUIRED_NODE_MAJOR} or later is required, this is ${version} (${process.execPath}).\n` +
    'Install berth\'s own Node.js with `bash scripts/setup.sh` (or `npm ci` in the checkout), or put Node.js 24+ first on PATH.\n';
}

const problem = nodeVersionProblem(process.version);
if (problem) {
  process.stderr.write(problem);
  process.exit(1);
}
/** A build that is missing or broken (berth.cjs absent, a package not installed) is one line and exit 1. */
function failInstall(e: unknown): never {
  const install = installErrorOf(e, join(__dirname, '..', '..'));
  process.stderr.write(install ? `berth: ${install.message}\n` : `berth: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
}

// A read-only install (/opt/berth owned by root, run by a user) runs without a cache: Node reports it, nothing fails.
// Portable: entries are keyed by the path relative to the cache, so the cache the build warmed is
// valid wherever the release is unpacked. V8 checks each entry against the source's hash and Node
// keeps one directory per Node version and flags, so a stale entry is never used.
Module.enableCompileCache?.({ directory: join(__dirname, '.compile-cache'), portable: true });
const bundle = join(__dirname, 'berth.cjs');
process.argv[1] = bundle; // the bundle runs main() when it is the entry module
try {
  require(bundle);
} catch (e) {
  failInstall(e); // only load-time failures land here: the bundle's main() reports its own errors
}
