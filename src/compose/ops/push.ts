/**
 * Pushing the images of services that are built here (compose v2's push): a service with `build:`
 * and `image:` pushes its image and its build tags; the others are skipped.
 */
import { DaemonError, jsonLines } from '../../client/engine-client.js';
import { authFor, parseNormalizedNamed } from '../../client/registry-auth.js';
import type { ComposeContext } from '../context.js';
import type { Project } from '../model.js';
import { composeError } from './errors.js';
import { progressWriter } from './progress.js';

export interface PushOptions { services?: string[]; ignoreFailures?: boolean; quiet?: boolean }

export async function pushServices(ctx: ComposeContext, project: Project, opts: PushOptions = {}): Promise<void> {
  const client = await ctx.client();
  const w = progressWriter(ctx, 'Pushing', opts.quiet);
  const names = opts.services?.length ? opts.services : Object.keys(project.services);
  const jobs: Array<Promise<void>> = [];
  const errors: Error[] = [];
  for (const name of names) {
    const service = project.services[name];
    if (!service) throw composeError(`no such service: ${name}`, 'ERR_COMPOSE_NO_SERVICE');
    if (!service.build || !service.image) { w.event({ id: name, status: 'done', text: 'Skipped' }); continue; }
    for (const tag of [service.image, ...(service.build.tags ?? [])]) {
      jobs.push((async () => {
        w.event({ id: tag, status: 'working', text: 'Pushing' });
        const named = parseNormalizedNamed(tag);
        if (named.digest) throw composeError(`cannot push a digest reference: ${tag}`, 'ERR_INVALID_ARGUMENT');
        const repo = named.tag ? tag.slice(0, tag.lastIndexOf(':')) : tag;
        const res = await client.request('POST', `/images/${encodeURIComponent(repo)}/push`, { query: { tag: named.tag ?? 'latest' }, headers: authFor(tag) });
        for await (const m of jsonLines(res)) if (m.error || m.errorDetail) throw DaemonError.fromStream(m);
        w.event({ id: tag, status: 'done', text: 'Pushed' });
      })().catch((e: Error) => {
        w.event({ id: tag, status: 'error', text: 'Error', statusText: e.message });
        if (opts.ignoreFailures) w.tail(`Pushing ${name}: ${e.message}`);
        else errors.push(e);
      }));
    }
  }
  await Promise.all(jobs);
  w.stop();
  if (errors.length) throw composeError(errors[0].message, 'ERR_DAEMON', errors[0]);
}
