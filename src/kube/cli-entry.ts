/**
 * What the CLI loads for `berth kube` (src/cli/lazy-kube.ts): the commands' bodies, and the
 * EngineClient class of this copy of src/client, which the CLI must make kube's client with (dist/kube
 * is not part of the CLI's bundle, so its classes are not the bundle's).
 */
import { writeFile } from 'node:fs/promises';
import type { EngineClient } from '../client/engine-client.js';
import { generate, type GenerateOptions } from './generate.js';
import { down, play, type KubeIO, type PlayOptions } from './play.js';

export { EngineClient } from '../client/engine-client.js';

export async function kubePlay(client: EngineClient, files: string[], io: KubeIO, opts: PlayOptions & { down?: boolean }): Promise<void> {
  if (opts.down) await down(client, files, io);
  else await play(client, files, io, opts);
}

export async function kubeGenerate(client: EngineClient, targets: string[], io: KubeIO, opts: GenerateOptions & { filename?: string }): Promise<void> {
  const { yaml, warnings } = await generate(client, targets, opts);
  for (const w of warnings) io.err(`WARNING: ${w}\n`);
  if (opts.filename) await writeFile(opts.filename, yaml, { mode: 0o644 });
  else io.out(yaml);
}
