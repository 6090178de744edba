/** network create/ls/inspect/rm/prune/connect/disconnect, and `port`. */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { encodeFilters } from '../../client/engine-client.js';
import { isNoSuchNetwork } from '../daemon-errors.js';
import { collect, confirm, forEachTarget, type CliContext } from '../context.js';
import { compile, preFormat, renderItems } from '../../client/format/formatter.js';
import { listFormat } from '../config-formats.js';

const enc = encodeURIComponent;

/** A `network ls` row (Docker's placeholders). */
class NetworkRow {
  constructor(private readonly n: any, private readonly trunc: boolean) {}
  get ID(): string { return this.trunc ? this.n.Id.slice(0, 12) : this.n.Id; }
  get Name(): string { return this.n.Name; }
  get Driver(): string { return this.n.Driver; }
  get Scope(): string { return this.n.Scope; }
  get IPv6(): string { return String(this.n.EnableIPv6); }
  get Internal(): string { return String(this.n.Internal); }
  get CreatedAt(): string { return this.n.Created; }
  get Labels(): string { return Object.keys(this.n.Labels ?? {}).sort().map((k) => `${k}=${this.n.Labels[k]}`).join(','); }
  Label(k: string): string { return this.n.Labels?.[k] ?? ''; }
  toJSON(): Record<string, string> {
    return { CreatedAt: this.CreatedAt, Driver: this.Driver, ID: this.ID, IPv6: this.IPv6, Internal: this.Internal, Labels: this.Labels, Name: this.Name, Scope: this.Scope };
  }
}

function keyValues(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i === 0) throw new UsageError(`invalid argument "${item}" for "${flag}" flag`);
    if (i < 0) out[item] = ''; else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

async function printInspect(ctx: CliContext, objs: any[], format?: string): Promise<void> {
  if (format) { const t = compile(preFormat(format).text); for (const o of objs) ctx.out(t.execute(o) + '\n'); }
  else ctx.out(JSON.stringify(objs, null, 4) + '\n');
}

export function registerNetworkCommands(program: Command, ctx: CliContext): void {
  const group = program.command('network').usage('COMMAND').description('Manage networks');
  group.allowExcessArguments(false);

  group.command('create').usage('[OPTIONS] NETWORK').description('Create a network').argument('<name>')
    .option('-d, --driver <string>', 'Driver to manage the Network', 'bridge')
    .option('--subnet <list>', 'Subnet in CIDR format that represents a network segment', collect, [])
    .option('--gateway <list>', 'IPv4 or IPv6 Gateway for the master subnet', collect, [])
    .option('--ip-range <list>', 'Allocate container ip from a sub-range', collect, [])
    .option('--internal', 'Restrict external access to the network')
    .option('--ipv6', 'Enable or disable IPv6 networking')
    .option('--attachable', 'Enable manual container attachment')
    .option('--label <list>', 'Set metadata on a network', collect, [])
    .option('-o, --opt <map>', 'Set driver specific options', collect, [])
    .option('--ipam-driver <string>', 'IP Address Management Driver', 'default')
    .action(async (name: string, o: any) => {
      if (o.gateway.length > o.subnet.length || o.ipRange.length > o.subnet.length) throw new UsageError('every ip-range or gateway must have a corresponding subnet');
      const config = o.subnet.map((s: string, i: number) => ({ Subnet: s, ...(o.gateway[i] ? { Gateway: o.gateway[i] } : {}), ...(o.ipRange[i] ? { IPRange: o.ipRange[i] } : {}) }));
      const client = await ctx.client();
      const res = await client.json<any>('POST', '/networks/create', { body: {
        Name: name, Driver: o.driver, Internal: !!o.internal, EnableIPv6: !!o.ipv6, Attachable: !!o.attachable,
        IPAM: { Driver: o.ipamDriver, Config: config, Options: {} }, Options: keyValues(o.opt, '--opt'), Labels: keyValues(o.label, '--label'),
      } });
      ctx.out(res.Id + '\n');
    });

  const ls = (name: string) => group.command(name).usage('[OPTIONS]').description('List networks')
    .option('-f, --filter <filter>', 'Provide filter values (e.g. "driver=bridge")', collect, [])
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', 'Do not truncate the output')
    .option('-q, --quiet', 'Only display network IDs')
    .action(async (o: any) => {
      const client = await ctx.client();
      const list = await client.json<any[]>('GET', '/networks', { query: { filters: encodeFilters(o.filter) } });
      const format = o.quiet && !o.format ? '{{.ID}}' : listFormat('networksFormat', o.format);
      const rows = list.sort((a, b) => a.Name.localeCompare(b.Name)).map((n) => new NetworkRow(n, o.trunc !== false));
      ctx.out(renderItems({ format, defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}', headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', CreatedAt: 'CREATED AT', Labels: 'LABELS' } }, rows));
    });
  ls('ls'); ls('list');

  group.command('inspect').usage('[OPTIONS] NETWORK [NETWORK...]').description('Display detailed information on one or more networks')
    .argument('<networks...>').option('-f, --format <string>', 'Format output using a custom template').option('-v, --verbose', 'Verbose output for diagnostics')
    .action(async (names: string[], o: any) => {
      const client = await ctx.client();
      const found: any[] = [];
      let failed = false;
      for (const n of names) {
        try { found.push(await client.json('GET', `/networks/${enc(n)}`)); } catch (e) { ctx.err(`Error response from daemon: ${(e as Error).message}\n`); failed = true; }
      }
      await printInspect(ctx, found, o.format);
      if (failed) process.exitCode = 1;
    });

  const rm = (name: string) => group.command(name).usage('NETWORK [NETWORK...]').description('Remove one or more networks').argument('<networks...>')
    .option('-f, --force', 'Do not error if the network does not exist')
    .action(async (names: string[], o: any) => {
      const client = await ctx.client();
      await forEachTarget(names, async (n) => {
        try { await client.call('DELETE', `/networks/${enc(n)}`); } catch (e) { if (o.force && isNoSuchNetwork(e)) return; throw e; }
        ctx.out(n + '\n');
      });
    });
  rm('rm'); rm('remove');

  group.command('prune').usage('[OPTIONS]').description('Remove all unused networks')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect, [])
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (o: any) => {
      if (!o.force && !(await confirm('WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?'))) return;
      const client = await ctx.client();
      const res = await client.json<any>('POST', '/networks/prune', { query: { filters: encodeFilters(o.filter) } });
      if (res.NetworksDeleted?.length) ctx.out('Deleted Networks:\n' + res.NetworksDeleted.map((n: string) => n + '\n').join(''));
    });

  group.command('connect').usage('[OPTIONS] NETWORK CONTAINER').description('Connect a container to a network').argument('<network>').argument('<container>')
    .option('--alias <list>', 'Add network-scoped alias for the container', collect, [])
    .option('--ip <string>', 'IPv4 address (e.g., "172.30.100.104")')
    .option('--ip6 <string>', 'IPv6 address')
    .option('--link <list>', 'Add link to another container', collect, [])
    .option('--driver-opt <list>', 'driver options for the network', collect, [])
    .action(async (network: string, container: string, o: any) => {
      if (o.link.length) throw new UsageError('--link is not supported by berth; use a user-defined network and names');
      const client = await ctx.client();
      await client.call('POST', `/networks/${enc(network)}/connect`, { body: { Container: container, EndpointConfig: {
        Aliases: o.alias, ...(o.ip || o.ip6 ? { IPAMConfig: { ...(o.ip ? { IPv4Address: o.ip } : {}), ...(o.ip6 ? { IPv6Address: o.ip6 } : {}) } } : {}) } } });
    });

  group.command('disconnect').usage('[OPTIONS] NETWORK CONTAINER').description('Disconnect a container from a network').argument('<network>').argument('<container>')
    .option('-f, --force', 'Force the container to disconnect from a network')
    .action(async (network: string, container: string, o: any) => {
      const client = await ctx.client();
      await client.call('POST', `/networks/${enc(network)}/disconnect`, { body: { Container: container, Force: !!o.force } });
    });
}

/** `port CONTAINER [PRIVATE_PORT[/PROTO]]` on the program and the container group. */
export function registerPortCommand(parent: Command, ctx: CliContext): void {
  parent.command('port').usage('CONTAINER [PRIVATE_PORT[/PROTO]]').description('List port mappings or a specific mapping for the container')
    .argument('<container>').argument('[port]')
    .action(async (container: string, port: string | undefined) => {
      const client = await ctx.client();
      const c = await client.json<any>('GET', `/containers/${enc(container)}/json`);
      const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = c.NetworkSettings?.Ports ?? {};
      const fmt = (b: { HostIp: string; HostPort: string }) => `${b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp}:${b.HostPort}`;
      if (port) {
        const key = port.includes('/') ? port : `${port}/tcp`;
        const list = ports[key];
        if (!list?.length) throw new UsageError(`Error: No public port '${key}' published for ${container}`);
        for (const b of list) ctx.out(fmt(b) + '\n');
        return;
      }
      const keys = Object.keys(ports).sort((a, b) => parseInt(a) - parseInt(b));
      for (const k of keys) for (const b of ports[k] ?? []) ctx.out(`${k} -> ${fmt(b)}\n`);
    });
}
