// The Engine's typed surface from a program's side: run by test/library/engine-api.test.ts with
// REGISTRY naming a registry that serves library/busybox:latest. Prints one JSON report.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError, Engine, NotFoundError, type EngineEvent } from 'berth';

const report: Record<string, unknown> = {};
const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try { await p; return 'resolved'; } catch (e) { return e instanceof BerthError ? e.code : `not a BerthError: ${String(e)}`; }
};
const aborted = () => { const c = new AbortController(); c.abort(); return c.signal; };
// AbortSignal.timeout's timer does not keep the process alive: with nothing else pending, Node would exit
const after = (ms: number) => { const c = new AbortController(); setTimeout(() => c.abort(), ms); return c.signal; };

const dir = mkdtempSync(join(tmpdir(), 'berth-api-'));
const engine = await Engine.open({ root: join(dir, 'root'), runRoot: join(dir, 'run') });
try {
  const image = `${process.env.REGISTRY}/library/busybox:latest`;
  report.pullAborted = await codeOf(engine.pull(image, { signal: aborted() }));
  const statuses: string[] = [];
  const first = await engine.pull(image, { onProgress: (m) => { if (m.status) statuses.push(m.status); } });
  const second = await engine.pull(image);
  report.pull = { ref: first[0]?.ref, first: first[0]?.upToDate, second: second[0]?.upToDate, sameId: first[0]?.id === second[0]?.id, pullingFrom: statuses.some((s) => s.includes('Pulling from')) };

  // live events, filtered, until the signal ends the iteration
  const stopEvents = new AbortController();
  const seen: EngineEvent[] = [];
  const collecting = (async () => { for await (const ev of engine.events({ filters: { type: ['container'] }, signal: stopEvents.signal })) seen.push(ev); })();

  const { Id } = await engine.create({ Image: image, Cmd: ['sh', '-c', 'echo started; trap "exit 0" TERM; while true; do sleep 0.1; done'], HostConfig: { NetworkMode: 'none' } });
  report.started = await engine.start(Id);
  report.exec = await engine.exec(Id, ['sh', '-c', 'echo out; echo err >&2; exit 3']).then((r) => ({ exitCode: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() }));
  report.waitAborted = await codeOf(engine.wait(Id, { signal: after(200) }));
  // a followed read of a running container ends with its signal
  const logLines: string[] = [];
  for await (const e of engine.logs(Id, { follow: true, signal: after(500) })) logLines.push(e.data.toString());
  report.logs = logLines.join('');
  report.stopped = await engine.stop(Id, { timeout: 5 });
  report.wait = await engine.wait(Id);
  await engine.rm(Id);
  stopEvents.abort();
  await collecting;
  report.events = seen.map((e) => e.Action).filter((a) => ['create', 'start', 'die', 'destroy'].includes(a));
  const history = engine.events({ since: 0, until: Date.now() / 1000, filters: { type: ['container'], event: ['create'] } });
  const replayed: string[] = [];
  for await (const ev of history) replayed.push(ev.Actor.ID);
  report.history = replayed.includes(Id);

  // a build from a directory, and one cancelled before it starts
  const ctx = join(dir, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${image}\nRUN echo built > /built\nCMD ["cat", "/built"]\n`);
  const output: string[] = [];
  const built = await engine.build({ context: ctx, tags: ['lib-built:1'], network: 'none', onOutput: (t) => output.push(t) });
  report.build = { id: built.imageId.startsWith('sha256:'), steps: output.some((t) => t.startsWith('Step 2/3 : RUN')) };
  report.buildAborted = await codeOf(engine.build({ context: ctx, noCache: true, network: 'none', signal: aborted() }));

  const du = await engine.diskUsage(['image', 'build-cache']);
  report.diskUsage = { images: du.usage.image?.TotalCount, cache: (du.usage['build-cache']?.TotalCount ?? 0) > 0 };

  await engine.createVolume({ Name: 'lib-vol' });
  report.volumes = engine.listVolumes().Volumes.map((v) => v.Name);
  await engine.removeVolume('lib-vol');
  await engine.createNetwork({ Name: 'lib-net' });
  report.network = engine.inspectNetwork('lib-net').Name;
  await engine.removeNetwork('lib-net');

  report.pruneContainers = await engine.pruneContainers();
  report.pruneBuildCache = (await engine.pruneBuildCache()).CachesDeleted.length > 0;
  report.pruneImages = (await engine.pruneImages({ dangling: ['false'] })).ImagesDeleted.length > 0;
  report.pruneVolumes = await engine.pruneVolumes();
  report.pruneNetworks = await engine.pruneNetworks();

  try { await engine.start('no-such-container'); } catch (e) { report.notFound = { notFound: e instanceof NotFoundError, code: (e as BerthError).code }; }
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
