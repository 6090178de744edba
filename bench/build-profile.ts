/**
 * A profile of fully cached rebuilds (issue 27): the three bench projects built again and again against a
 * private daemon, with the CPU time of the CLI (berth or docker) and the daemon's CPU time per build read
 * from /proc (load on the machine does not distort CPU time). Not a bench case: a tool for docs/performance.md.
 *   unshare --net -- node --import tsx bench/build-profile.ts [iterations] [--only PROJECT] [--cpu-prof DIR] [--cli-prof DIR]
 *     [--baseline DIR]   a built checkout of another commit: its daemon and CLI run interleaved with this tree's
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startDaemon, cleanEnv, BERTH_BIN, type TestDaemon } from '../test/helpers/daemon.js';

const iterations = Number(process.argv[2] ?? 20);
const profDir = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
const cliProf = process.argv.includes('--cli-prof') ? process.argv[process.argv.indexOf('--cli-prof') + 1] : undefined;
const baselineDir = process.argv.includes('--baseline') ? process.argv[process.argv.indexOf('--baseline') + 1] : undefined;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

const projects: Record<string, Record<string, string>> = {
  small: {
    Dockerfile: 'FROM busybox\nRUN echo one > /one\nCOPY a.txt /a.txt\nRUN cat /a.txt /one > /two\nCOPY late.txt /late.txt\nRUN cat /late.txt > /three\n',
    'a.txt': 'a\n', 'late.txt': 'late 0\n',
  },
  'multi-stage': (() => {
    const f: Record<string, string> = {
      Dockerfile: ['FROM busybox AS deps', 'WORKDIR /src', 'COPY package.json package-lock.json ./',
        'RUN mkdir -p node_modules && for i in $(seq 1 300); do mkdir -p node_modules/pkg$i && echo "module.exports = $i;" > node_modules/pkg$i/index.js; done', '',
        'FROM busybox AS assets', 'COPY assets/ /assets/', 'RUN cd /assets && tar cf /assets.tar . && rm -rf /assets', '',
        'FROM deps AS build', 'COPY src/ ./src/', 'RUN mkdir -p dist && cat src/*.js > dist/app.js && wc -c dist/app.js > dist/size', '',
        'FROM busybox', 'WORKDIR /app', 'COPY --from=deps /src/node_modules ./node_modules', 'COPY --from=assets /assets.tar ./',
        'COPY --from=build /src/dist ./dist', 'ENV NODE_ENV=production', 'CMD ["cat", "/app/dist/app.js"]', ''].join('\n'),
      'package.json': JSON.stringify({ name: 'bench-app', version: '1.0.0', dependencies: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`pkg${i + 1}`, '1.0.0'])) }, null, 2),
      'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: {} }),
      '.dockerignore': 'node_modules\n*.log\n', 'debug.log': 'ignored\n',
    };
    for (let i = 0; i < 200; i++) f[`src/m${String(i).padStart(3, '0')}.js`] = `export const m${i} = ${i};\n`.repeat(20);
    for (let i = 0; i < 50; i++) f[`assets/img${i}.svg`] = `<svg id="${i}">${'x'.repeat(2000)}</svg>\n`;
    f['src/zz-last.js'] = 'export const last = 0;\n';
    return f;
  })(),
  debian: {
    Dockerfile: ['FROM busybox', 'ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8',
      'RUN echo "app:x:1000:1000::/home/app:/bin/sh" >> /etc/passwd && mkdir -p /home/app && ls /bin > /packages.txt',
      'WORKDIR /app', 'COPY config/ /app/config/', 'RUN sha256sum /app/config/* > /app/config.sums && chown -R 1000 /app',
      'COPY app.sh /app/app.sh', 'RUN sh -n /app/app.sh && chmod +x /app/app.sh', 'USER app', 'CMD ["/app/app.sh"]', ''].join('\n'),
    ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`config/c${i}.conf`, `key${i} = ${'v'.repeat(500)}\n`])),
    'app.sh': '#!/bin/sh\necho started 0\n',
  },
};

/** CPU ns of all the daemon's threads (schedstat: exact, where /proc/PID/stat counts 10 ms ticks) */
const cpuNs = (pid: number): number => readdirSync(`/proc/${pid}/task`).reduce((n, t) => { try { return n + Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { return n; } }, 0);
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

/** Runs a command under perf stat: the CPU ms of it and its children (task-clock). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): { cpuMs: number; wallMs: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', cmd, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const wallMs = performance.now() - t0;
  const line = r.stderr.split('\n').find((l) => l.includes(',task-clock,'));
  if (r.status !== 0 || !line) throw new Error(`${cmd} ${args.join(' ')}: ${r.status} ${r.stderr}`);
  return { cpuMs: Number(line.split(',')[0]), wallMs, out: r.stdout };
}

const base = mkdtempSync('/tmp/bprof-');
const d = await startDaemon({ env: profDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profDir}` } : {} });
const old = baselineDir ? await import(join(baselineDir, 'test/helpers/daemon.ts')) as typeof import('../test/helpers/daemon.js') : undefined;
const od = old ? await old.startDaemon() : undefined;
try {
  const env = cleanEnv({ BERTH_NO_AUTOSTART: '1', DOCKER_BUILDKIT: '0' });
  for (const [name, files] of Object.entries(projects)) {
    if (only && name !== only) continue;
    const dir = join(base, name);
    for (const [rel, c] of Object.entries(files)) { mkdirSync(dirname(join(dir, rel)), { recursive: true }); writeFileSync(join(dir, rel), c); }
    const berth = () => timed(BERTH_BIN, ['-H', `unix://${d.socket}`, 'build', '-q', '-t', `p/${name}`, dir], cliProf ? { ...env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${cliProf}/${name}` } : env);
    const docker = () => timed('docker', ['-H', `unix://${d.socket}`, 'build', '-q', '-t', `p/${name}`, dir], env);
    const oldBerth = () => timed(old!.BERTH_BIN, ['-H', `unix://${od!.socket}`, 'build', '-q', '-t', `p/${name}`, dir], env);
    const oldDocker = () => timed('docker', ['-H', `unix://${od!.socket}`, 'build', '-q', '-t', `p/${name}`, dir], env);
    berth(); berth(); // fill the cache
    if (od) { oldBerth(); oldBerth(); }
    const version = () => timed(BERTH_BIN, ['-H', `unix://${d.socket}`, 'version', '--format', '{{.Server.Version}}'], env);
    const dockerVersion = () => timed('docker', ['-H', `unix://${d.socket}`, 'version', '--format', '{{.Server.Version}}'], env);
    const rows: Record<string, { cli: number[]; daemon: number[]; wall: number[] }> = { 'berth version': { cli: [], daemon: [], wall: [] }, 'docker version': { cli: [], daemon: [], wall: [] }, berth: { cli: [], daemon: [], wall: [] }, docker: { cli: [], daemon: [], wall: [] } };
    const plan: Array<[string, () => ReturnType<typeof timed>, TestDaemon]> = [['berth version', version, d], ['berth', berth, d], ['docker version', dockerVersion, d], ['docker', docker, d]];
    if (od) plan.push(['old berth', oldBerth, od], ['old docker', oldDocker, od]);
    for (const [k] of plan) rows[k] ??= { cli: [], daemon: [], wall: [] };
    for (let i = 0; i < iterations; i++) {
      for (const [k, f, dd] of plan) {
        const before = cpuNs(dd.pid);
        const r = f();
        rows[k].daemon.push((cpuNs(dd.pid) - before) / 1e6);
        rows[k].cli.push(r.cpuMs); rows[k].wall.push(r.wallMs);
      }
    }
    for (const [k, r] of Object.entries(rows)) console.log(`${name.padEnd(12)} ${k.padEnd(15)} CLI cpu ${median(r.cli).toFixed(1)} ms  daemon cpu ${median(r.daemon).toFixed(1)} ms (mean ${(r.daemon.reduce((a, b) => a + b, 0) / r.daemon.length).toFixed(1)})  wall ${median(r.wall).toFixed(1)} ms`);
  }
} finally {
  await od?.cleanup();
  await d.cleanup();
  rmSync(base, { recursive: true, force: true });
}
