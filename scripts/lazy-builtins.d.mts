// Types for lazy-builtins.mjs, so the tests that import it type-check (tsconfig.tests.json).
import type { Plugin } from 'esbuild';

/** Built-ins worth deferring. */
export declare const LAZY_BUILTINS: string[];
/** The module text that stands in for built-in `name`. */
export declare function lazyModuleSource(name: string): string;
export declare function lazyBuiltins(names?: string[]): Plugin;
