/** version, info, events (and `system info`, `system events`). */
import type { Command } from 'commander';
import { BERTH_VERSION } from '../../common/version.js';
import { CLIENT_API_VERSION, encodeFilters, jsonLines } from '../../client/engine-client.js';
import { collect, ExitError, type CliContext } from '../context.js';
import { compile, preFormat } from '../../client/format/formatter.js';
import { getTimestamp } from '../timestamps.js';
import { EventMessage } from '../event-message.js';
import { UsageError } from '../../common/errors.js';

export function berthVersion(): string {
  return BERTH_VERSION;
}

function renderTemplate(format: string, data: unknown): string {
  const { text } = preFormat(format);
  return compile(text).execute(data) + '\n';
}

/** Docker's event line: "<time> <type> <action> <id> (k=v, ...)" with RFC3339NanoFixed local time. */
function formatEvent(ev: any): string {
  // timeNano exceeds a double's integers: its decimal text (JSON.parse's shortest form) is what Go reads
  const nanos = ev.timeNano ? BigInt(String(ev.timeNano)) : BigInt(ev.time ?? 0) * 1000000000n;
  const d = new Date(Number(nanos / 1000000n));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  const frac = String(nanos % 1000000000n).padStart(9, '0');
  const ts = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${frac}${zone}`;
  const attrs = ev.Actor?.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  const attrText = keys.length ? ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})` : '';
  return `${ts} ${ev.Type} ${ev.Action} ${ev.Actor?.ID ?? ev.id ?? ''}${attrText}\n`;
}

export function registerSystemCommands(program: Command, ctx: CliContext, systemGroup: Command): void {
  program.command('version').usage('[OPTIONS]').description('Show the berth version information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (o: any) => {
      const clientInfo = {
        Platform: { Name: 'berth' }, Version: berthVersion(), ApiVersion: CLIENT_API_VERSION, DefaultAPIVersion: CLIENT_API_VERSION,
        GoVersion: process.version, Os: process.platform, Arch: process.arch === 'x64' ? 'amd64' : process.arch, Context: 'default',
      };
      let server: any = null;
      let serverErr: unknown;
      try {
        const client = await ctx.client();
        server = await client.json('GET', '/version');
      } catch (e) {
        serverErr = e;
      }
      if (o.format) {
        ctx.out(renderTemplate(o.format, { Client: clientInfo, Server: server }));
      } else {
        let s = `Client:\n Version:           ${clientInfo.Version}\n API version:       ${clientInfo.ApiVersion}\n Node version:      ${clientInfo.GoVersion}\n OS/Arch:           ${clientInfo.Os}/${clientInfo.Arch}\n`;
        if (server) {
          s += `\nServer: ${server.Platform?.Name ?? ''}\n Engine:\n  Version:          ${server.Version}\n  API version:      ${server.ApiVersion} (minimum version ${server.MinAPIVersion})\n`;
          if (server.GoVersion) s += `  Go version:       ${server.GoVersion}\n`;
          if (server.GitCommit) s += `  Git commit:       ${server.GitCommit}\n`;
          if (server.BuildTime) s += `  Built:            ${server.BuildTime}\n`;
          s += `  OS/Arch:          ${server.Os}/${server.Arch}\n  Experimental:     ${Boolean(server.Experimental)}\n`;
          for (const c of server.Components ?? []) {
            if (c.Name === 'Engine') continue;
            s += ` ${c.Name}:\n  Version:          ${c.Version}\n`;
          }
        }
        ctx.out(s);
      }
      if (serverErr) {
        ctx.err(`${(serverErr as Error).message}\n`);
        throw new ExitError(1);
      }
    });

  const defineInfo = (parent: Command) => parent.command('info').usage('[OPTIONS]').description('Display system-wide information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (o: any) => {
      const client = await ctx.client();
      const info = await client.json('GET', '/info');
      if (o.format) { ctx.out(renderTemplate(o.format, info)); return; }
      const lines = [
        'Server:',
        ` Containers: ${info.Containers ?? 0}`,
        `  Running: ${info.ContainersRunning ?? 0}`,
        `  Paused: ${info.ContainersPaused ?? 0}`,
        `  Stopped: ${info.ContainersStopped ?? 0}`,
        ` Images: ${info.Images ?? 0}`,
        ` Server Version: ${info.ServerVersion ?? ''}`,
        ` Storage Driver: ${info.Driver ?? ''}`,
        ` Logging Driver: ${info.LoggingDriver ?? ''}`,
        ` Cgroup Driver: ${info.CgroupDriver ?? ''}`,
        ` Cgroup Version: ${info.CgroupVersion ?? ''}`,
        ` Runtimes: ${Object.keys(info.Runtimes ?? {}).sort().join(' ')}`,
        ` Default Runtime: ${info.DefaultRuntime ?? ''}`,
        ` Init Binary: ${info.InitBinary ?? ''}`,
        ` Security Options:${(info.SecurityOptions ?? []).map((s: string) => `\n  ${s.replace(/^name=/, '')}`).join('')}`,
        ` Kernel Version: ${info.KernelVersion ?? ''}`,
        ` Operating System: ${info.OperatingSystem ?? ''}`,
        ` OSType: ${info.OSType ?? ''}`,
        ` Architecture: ${info.Architecture ?? ''}`,
        ` CPUs: ${info.NCPU ?? ''}`,
        ` Total Memory: ${info.MemTotal ? (info.MemTotal / 1024 ** 3).toFixed(2) + 'GiB' : ''}`,
        ` Name: ${info.Name ?? ''}`,
        ` ID: ${info.ID ?? ''}`,
        ` Docker Root Dir: ${info.DockerRootDir ?? ''}`,
        ` Debug Mode: ${Boolean(info.Debug)}`,
        ` Experimental: ${Boolean(info.ExperimentalBuild)}`,
        ` Live Restore Enabled: ${Boolean(info.LiveRestoreEnabled)}`,
        ...(info.Rootless ? [' Rootless: true', `  Network Driver: ${info.RootlessNetwork ?? ''}`, `  Resource Limits: ${info.RootlessCgroupLimits ? 'yes' : 'no'}${info.RootlessCgroupReason ? ` (${info.RootlessCgroupReason})` : ''}`] : []),
      ];
      ctx.out(lines.join('\n') + '\n');
      for (const w of info.Warnings ?? []) ctx.err(`${w}\n`);
    });
  defineInfo(program);
  defineInfo(systemGroup);

  const defineEvents = (parent: Command) => parent.command('events').usage('[OPTIONS]').description('Get real time events from the server')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect, [])
    .option('--format <string>', 'Format output using a custom template')
    .option('--since <string>', 'Show all events created since timestamp')
    .option('--until <string>', 'Stream events until this timestamp')
    .action(async (o: any) => {
      // as docker: the template is tried on an empty message first, so a bad field fails before any event
      const tmpl = o.format ? compile(preFormat(o.format === 'json' ? '{{json .}}' : o.format).text) : null;
      if (tmpl) {
        try { tmpl.execute(new EventMessage()); } catch (e) { throw new UsageError(`template: ${(e as Error).message}`); }
      }
      const client = await ctx.client();
      const res = await client.request('GET', '/events', {
        query: { since: o.since ? getTimestamp(o.since) : undefined, until: o.until ? getTimestamp(o.until) : undefined, filters: encodeFilters(o.filter) },
      });
      for await (const ev of jsonLines(res)) ctx.out(tmpl ? tmpl.execute(new EventMessage(ev)) + '\n' : formatEvent(ev));
    });
  defineEvents(program);
  defineEvents(systemGroup);
}
