/** Temp project folders with real files, and the loader / `compose config` run on them. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { TestContext } from 'node:test';
import { loadProject, type LoadOptions } from '../../src/compose/loader/load.js';
import { runCompose } from '../../src/compose/main.js';
import type { Project } from '../../src/compose/model.js';

/** A folder holding `files` (relative path → content); removed after the test. */
export function projectDir(t: TestContext, files: Record<string, string>, name = 'proj'): string {
  const root = mkdtempSync(join(tmpdir(), 'bt-loader-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

export interface Loaded { project: Project; warnings: string[] }

/** Loads with a clean environment (only what the test gives, plus HOME). */
export async function load(cwd: string, opts: Partial<LoadOptions> = {}): Promise<Loaded> {
  const warnings: string[] = [];
  const project = await loadProject({
    files: [], profiles: [], envFiles: [], cwd, ...opts,
    env: { HOME: '/home/tester', ...(opts.env ?? {}) },
    warn: (m) => warnings.push(m),
  });
  return { project, warnings };
}

export async function loadError(cwd: string, opts: Partial<LoadOptions> = {}): Promise<Error & { code?: string; exitCode?: number }> {
  try {
    await load(cwd, opts);
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the load to fail');
}

/** `compose <args>` in `cwd`, as the CLI runs it, with captured output. */
export async function compose(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => { out += String(d); });
  stderr.on('data', (d) => { err += String(d); });
  const code = await runCompose(args, {
    client: async () => { throw new Error('compose config needs no engine'); },
    env: { HOME: '/home/tester', PATH: process.env.PATH, ...env }, cwd,
    stdout, stderr, stdin: new PassThrough(), commandName: 'berth compose',
  });
  return { code, stdout: out, stderr: err };
}
