/**
 * `compose config`: the normalised model (loader/) as compose v2 prints it (YAML, or JSON with
 * --format json), or one of its lists (--services, --volumes, --networks, --profiles, --images,
 * --hash), or nothing (-q: validate only).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { InvalidArgumentError } from '../../common/errors.js';
import type { ComposeContext } from '../context.js';
import type { Project } from '../model.js';
import { loadProject } from '../loader/load.js';
import { allProfiles, withServicesEnabled } from '../loader/profiles.js';
import { printableProject } from '../loader/printable.js';
import { serviceConfigHash } from '../convert/config-hash.js';

interface ConfigOptions {
  services?: boolean; volumes?: boolean; networks?: boolean; profiles?: boolean; images?: boolean;
  hash?: string; format: string; quiet?: boolean; interpolate: boolean; consistency: boolean; output?: string;
}

export function registerConfigCommands(program: Command, ctx: () => ComposeContext): void {
  program.command('config').alias('convert').description('Parse, resolve and render compose file in canonical format')
    .argument('[SERVICE...]')
    .option('--services', 'Print the service names, one per line.')
    .option('--volumes', 'Print the volume names, one per line.')
    .option('--networks', 'Print the network names, one per line.')
    .option('--profiles', 'Print the profile names, one per line.')
    .option('--images', 'Print the image names, one per line.')
    .option('--hash <hash>', 'Print the service config hash, one per line.')
    .option('--format <format>', 'Format the output. Values: [yaml | json]', 'yaml')
    .option('-q, --quiet', 'Only validate the configuration, don\'t print anything.')
    .option('--no-interpolate', "Don't interpolate environment variables.")
    .option('--no-consistency', "Don't check model consistency - warning: may produce invalid Compose output")
    .option('-o, --output <file>', 'Save to file (default to stdout)')
    .action(async (names: string[], o: ConfigOptions) => {
      const c = ctx();
      if (o.format !== 'yaml' && o.format !== 'json') throw new InvalidArgumentError(`unsupported format ${JSON.stringify(o.format)}`, 'ERR_USAGE');
      let project = await loadProject({
        files: c.options.files, projectName: c.options.projectName, projectDirectory: c.options.projectDirectory,
        profiles: c.options.profiles, envFiles: c.options.envFiles, env: c.io.env, cwd: c.io.cwd,
        warn: (m) => c.err(`WARN[0000] ${m}\n`), noInterpolate: !o.interpolate, skipConsistencyCheck: !o.consistency, allResources: c.options.allResources, stdin: c.io.stdin,
      });
      if (names.length) project = onlyServices(project, names);
      if (o.quiet) return;
      const text = render(project, o);
      if (o.output) writeFileSync(resolve(c.io.cwd, o.output), text);
      else c.out(text);
    });
}

function lines(list: string[]): string { return list.map((s) => `${s}\n`).join(''); }

function render(project: Project, o: ConfigOptions): string {
  if (o.services) return lines(Object.keys(project.services).sort());
  if (o.volumes) return lines(Object.keys(project.volumes).sort());
  if (o.networks) return lines(Object.keys(project.networks).sort());
  if (o.profiles) return lines(allProfiles(project));
  if (o.images) return lines(Object.keys(project.services).sort().map((n) => project.services[n]!.image ?? `${project.name}-${n}`));
  if (o.hash !== undefined) {
    const wanted = o.hash === '*' ? Object.keys(project.services) : o.hash.split(',').map((s) => s.trim()).filter(Boolean);
    return lines(wanted.map((n) => {
      const s = project.services[n];
      if (!s) throw new InvalidArgumentError(`no such service: ${n}`, 'ERR_COMPOSE_NO_SERVICE');
      return `${n} ${serviceConfigHash(s)}`;
    }));
  }
  const doc = printableProject(project);
  if (o.format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  // YAML 1.1 quoting, as compose v2's encoder does: `yes`, `on`, `n`… stay strings for 1.1 readers (docker-compose, PyYAML)
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}

/** `config svc…`: those services (enabled even when their profile is not) and what they depend on. */
function onlyServices(project: Project, names: string[]): Project {
  const enabled = withServicesEnabled(project, names);
  const keep = new Set<string>();
  const queue = [...names];
  for (let guard = 0; queue.length && guard < 100_000; guard++) {
    const n = queue.shift()!;
    if (keep.has(n)) continue;
    const s = enabled.services[n];
    if (!s) throw new InvalidArgumentError(`no such service: ${n}`, 'ERR_COMPOSE_NO_SERVICE');
    keep.add(n);
    queue.push(...Object.keys(s.depends_on ?? {}));
  }
  return { ...enabled, services: Object.fromEntries(Object.entries(enabled.services).filter(([n]) => keep.has(n))) };
}
