/**
 * BL3xxx: package managers — "minimize the image": no recommended extras, no caches or package lists left
 * in a layer, no blanket upgrades. Only stages that end up in the final image are checked: a build
 * stage's caches are thrown away with it.
 */
import type { LintInput, LintRule, RuleReport } from '../../types.js';
import { basename, type ShellCommand } from '../../shell/commands.js';
import { hasOption, inherited, locateCommand, view, type RunView, type StageView } from './dockerfile.js';
import { berthRule } from './rule.js';

/** Options of each package manager that take a value (so the value is not read as the subcommand). */
const VALUE_OPTIONS: Record<string, Set<string>> = {
  apt: new Set(['-o', '-t', '-c', '--option', '--target-release', '--config-file']),
  apk: new Set(['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '-t', '--virtual', '--keys-dir', '--repositories-file']),
  rpm: new Set(['-c', '--config', '--installroot', '--releasever', '--setopt', '--enablerepo', '--disablerepo', '-x', '--exclude', '--repo', '--repofrom']),
  pip: new Set(['-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-t', '--target', '--prefix', '--root', '-f', '--find-links', '--cache-dir', '--python', '--src', '-e', '--editable']),
};

export interface PackageCommand {
  manager: 'apt' | 'apk' | 'rpm' | 'zypper' | 'pip';
  tool: string;
  subcommand: string;
  /** every argument after the tool (options included) */
  args: string[];
  /** the operands after the subcommand: package names and versions */
  packages: string[];
  cmd: ShellCommand;
}

const parsed = new WeakMap<string[], PackageCommand | null>();

/** `apt-get -y install x`, `apk add --no-cache x`, `dnf install x`, `python3 -m pip install x` as one shape (read once per argv: seven rules ask). */
export function packageCommand(args: string[], cmd: ShellCommand): PackageCommand | undefined {
  const known = parsed.get(args);
  if (known !== undefined && (known === null || known.cmd === cmd)) return known ?? undefined;
  const pc = readPackageCommand(args, cmd);
  parsed.set(args, pc ?? null);
  return pc;
}

function readPackageCommand(args: string[], cmd: ShellCommand): PackageCommand | undefined {
  if (args.length === 0) return undefined;
  const tool = basename(args[0]);
  let manager: PackageCommand['manager'] | undefined;
  let rest = args.slice(1);
  if (tool === 'apt-get' || tool === 'apt' || tool === 'aptitude') manager = 'apt';
  else if (tool === 'apk') manager = 'apk';
  else if (tool === 'yum' || tool === 'dnf' || tool === 'microdnf' || tool === 'tdnf') manager = 'rpm';
  else if (tool === 'zypper') manager = 'zypper';
  else if (/^pip[0-9.]*$/.test(tool)) manager = 'pip';
  else if (/^python[0-9.]*$/.test(tool) && args[1] === '-m' && /^pip[0-9.]*$/.test(args[2] ?? '')) { manager = 'pip'; rest = args.slice(3); }
  if (!manager) return undefined;
  const valueOptions = VALUE_OPTIONS[manager] ?? new Set<string>();
  let subcommand = '';
  const packages: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('-')) { if (valueOptions.has(a)) i++; continue; }
    if (!subcommand) subcommand = a;
    else packages.push(a);
  }
  return { manager, tool, subcommand, args: rest, packages, cmd };
}

/** `--mount=type=cache,target=/var/cache/apt`: the cache mounts' targets (their contents stay out of the layer). */
export function cacheMountTargets(run: RunView): string[] {
  const out: string[] = [];
  for (const f of run.node.flags) {
    if (!f.startsWith('--mount=')) continue;
    const fields = new Map(f.slice('--mount='.length).split(',').map((kv) => { const i = kv.indexOf('='); return i < 0 ? [kv, 'true'] : [kv.slice(0, i), kv.slice(i + 1)]; }));
    if (fields.get('type') === 'cache') {
      const t = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
      if (t) out.push(t.replace(/\/+$/, ''));
    }
  }
  return out;
}

/** Stages whose files end up in the final image. */
function finalChain(input: LintInput): Set<StageView> {
  const v = view(input);
  const out = new Set<StageView>();
  for (let s = v.final; s && !out.has(s); s = s.parent) out.add(s);
  return out;
}

function* packageCommands(input: LintInput, onlyFinal = true): Generator<{ run: RunView; pc: PackageCommand }> {
  const chain = finalChain(input);
  for (const run of view(input).runs) {
    if (onlyFinal && !chain.has(run.stage)) continue;
    for (const [i, cmd] of run.commands.entries()) {
      const pc = packageCommand(run.argvs[i], cmd);
      if (pc) yield { run, pc };
    }
  }
}

/** Whether the RUN deletes `dir` (`rm -rf /var/lib/apt/lists/*`) or mounts a cache over it. */
function removesOrCaches(run: RunView, dirs: string[]): boolean {
  if (cacheMountTargets(run).some((t) => dirs.some((d) => d === t || d.startsWith(t + '/')))) return true;
  return run.argvs.some((a) => basename(a[0] ?? '') === 'rm' && a.slice(1).some((p) => dirs.some((d) => p === d || p.startsWith(d + '/') || p === d + '*')));
}

const at = (input: LintInput, run: RunView, pc: PackageCommand): Pick<RuleReport, 'line' | 'column'> => locateCommand(input, run, pc.cmd);

const aptRecommends = berthRule({
  code: 'BL3001',
  name: 'AptNoInstallRecommends',
  severity: 'info',
  description: '`apt-get install` without `--no-install-recommends` pulls in recommended packages the image does not need.',
  check(input, report) {
    for (const { run, pc } of packageCommands(input)) {
      if (pc.manager !== 'apt' || pc.subcommand !== 'install') continue;
      if (hasOption(pc.args, '--no-install-recommends')) continue;
      if (pc.args.some((a, i) => /APT::Install-Recommends=(false|0|no)/i.test(a) && (a.startsWith('-o') || pc.args[i - 1] === '-o' || a.startsWith('--option')))) continue;
      report({ ...at(input, run, pc), message: `${pc.tool} install without --no-install-recommends also installs recommended packages`, fix: `Add --no-install-recommends: \`${pc.tool} install -y --no-install-recommends …\`` });
    }
  },
});

const APT_LISTS = ['/var/lib/apt/lists'];

const aptLists = berthRule({
  code: 'BL3002',
  name: 'AptListsNotRemoved',
  severity: 'info',
  description: '`apt-get install` in a RUN that does not remove /var/lib/apt/lists/* leaves the package lists in the layer.',
  check(input, report) {
    for (const { run, pc } of packageCommands(input)) {
      if (pc.manager !== 'apt' || pc.subcommand !== 'install') continue;
      if (removesOrCaches(run, APT_LISTS)) continue;
      report({ ...at(input, run, pc), message: `${pc.tool} install without \`rm -rf /var/lib/apt/lists/*\` in the same RUN keeps the package lists (tens of MB) in the layer`, fix: 'End the same RUN with `&& rm -rf /var/lib/apt/lists/*` (or use `RUN --mount=type=cache,target=/var/lib/apt/lists`)' });
    }
  },
});

const upgrade = berthRule({
  code: 'BL3003',
  name: 'PackageUpgrade',
  severity: 'info',
  description: '`apt-get upgrade`/`dist-upgrade` or `apk upgrade` in a Dockerfile: the base image\'s maintainers ship the updates; a blanket upgrade makes builds unrepeatable.',
  check(input, report) {
    for (const { run, pc } of packageCommands(input)) {
      const blanket = (pc.manager === 'apt' && ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(pc.subcommand))
        || (pc.manager === 'apk' && pc.subcommand === 'upgrade' && pc.packages.length === 0);
      if (!blanket) continue;
      report({ ...at(input, run, pc), message: `${pc.tool} ${pc.subcommand} upgrades every package at build time, so two builds of the same Dockerfile differ`, fix: 'Use a newer base image tag instead, or upgrade only the packages you need by name (`apt-get install --only-upgrade <pkg>`)' });
    }
  },
});

const apkCache = berthRule({
  code: 'BL3004',
  name: 'ApkNoCache',
  severity: 'info',
  description: '`apk add` without `--no-cache` leaves the package index in /var/cache/apk in the layer.',
  check(input, report) {
    for (const { run, pc } of packageCommands(input)) {
      if (pc.manager !== 'apk' || pc.subcommand !== 'add') continue;
      if (hasOption(pc.args, '--no-cache') || removesOrCaches(run, ['/var/cache/apk', '/etc/apk/cache'])) continue;
      report({ ...at(input, run, pc), message: 'apk add without --no-cache keeps the package index in /var/cache/apk', fix: 'Use `apk add --no-cache …`' });
    }
  },
});

const RPM_CACHES = ['/var/cache/yum', '/var/cache/dnf', '/var/cache/zypp', '/var/cache/tdnf'];

const rpmClean = berthRule({
  code: 'BL3005',
  name: 'RpmCacheNotCleaned',
  severity: 'info',
  description: '`yum`/`dnf`/`microdnf`/`zypper install` in a RUN without `… clean all` (or removing the cache) leaves metadata and packages in the layer.',
  check(input, report) {
    for (const { run, pc } of packageCommands(input)) {
      if ((pc.manager !== 'rpm' && pc.manager !== 'zypper') || !['install', 'in', 'groupinstall', 'reinstall'].includes(pc.subcommand)) continue;
      const cleaned = run.argvs.some((a) => {
        const other = packageCommand(a, pc.cmd);
        return other && (other.manager === 'rpm' || other.manager === 'zypper') && (other.subcommand === 'clean' || other.subcommand === 'cc');
      }) || removesOrCaches(run, RPM_CACHES);
      if (cleaned) continue;
      report({ ...at(input, run, pc), message: `${pc.tool} install without \`${pc.tool} clean all\` in the same RUN keeps its cache in the layer`, fix: `End the same RUN with \`&& ${pc.tool} clean all\`${pc.tool === 'yum' || pc.tool === 'dnf' ? ` (and \`rm -rf /var/cache/${pc.tool}\`)` : ''}` });
    }
  },
});

const pipCache = berthRule({
  code: 'BL3006',
  name: 'PipNoCacheDir',
  severity: 'info',
  description: '`pip install` without `--no-cache-dir` stores the downloaded wheels in ~/.cache/pip in the layer.',
  check(input, report) {
    for (const { run, pc } of packageCommands(input)) {
      if (pc.manager !== 'pip' || pc.subcommand !== 'install') continue;
      if (hasOption(pc.args, '--no-cache-dir')) continue;
      // PIP_NO_CACHE_DIR in the stage's ENV does the same
      if (inherited(run.stage).some((n) => n.value === 'env' && n.next.some((w, i) => i % 3 === 0 && w.value === 'PIP_NO_CACHE_DIR'))) continue;
      if (cacheMountTargets(run).some((t) => /\/\.cache(\/pip)?$/.test(t))) continue;
      report({ ...at(input, run, pc), message: `${pc.tool} install without --no-cache-dir keeps pip's download cache in the layer`, fix: `Use \`${pc.tool} install --no-cache-dir …\` (or set \`ENV PIP_NO_CACHE_DIR=1\`)` });
    }
  },
});

export const PACKAGE_RULES: LintRule[] = [aptRecommends, aptLists, upgrade, apkCache, rpmClean, pipCache];
export { packageCommands };
