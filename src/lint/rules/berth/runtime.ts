/** BL7xxx: how the image runs — "limit capabilities", health checks, what it exposes. */
import type { Node } from '../../../builder/parser/ast.js';
import type { LintRule } from '../../types.js';
import { argv, basename, parseShell } from '../../shell/commands.js';
import { inherited, locate, locateCommand, view } from './dockerfile.js';
import { berthRule } from './rule.js';

const noHealthcheck = berthRule({
  code: 'BL7001',
  name: 'NoHealthcheck',
  severity: 'info',
  description: 'A final stage that looks like a long-running service (CMD or ENTRYPOINT, and EXPOSE) without a HEALTHCHECK.',
  check(input, report) {
    const final = view(input).final;
    if (!final) return;
    const nodes = inherited(final);
    const has = (k: string): boolean => nodes.some((n) => n.value === k);
    if (!(has('cmd') || has('entrypoint')) || !has('expose') || has('healthcheck')) return;
    report({
      line: final.from.startLine,
      message: 'The final stage runs a service (CMD/ENTRYPOINT and EXPOSE) but has no HEALTHCHECK, so a hung process still counts as running',
      fix: 'Add e.g. `HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:<port>/health || exit 1`, or `HEALTHCHECK NONE` to say it is deliberate',
    });
  },
});

/** `22`, `22/tcp`, or a range that holds 22 (`20-25/tcp`). */
export function exposesSsh(port: string): boolean {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(port);
  if (!m || (m[3] && m[3].toLowerCase() !== 'tcp')) return false;
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  return lo <= 22 && 22 <= hi;
}

const exposeSsh = berthRule({
  code: 'BL7002',
  name: 'ExposeSsh',
  severity: 'warning',
  description: 'EXPOSE 22: an SSH server in a container is one more service to secure; use `berth exec` to get a shell.',
  check(input, report) {
    for (const node of input.ast.children) {
      if (node.value !== 'expose') continue;
      const port = node.next.map((n) => n.value).find(exposesSsh);
      if (!port) continue;
      report({
        ...locate(input, node, port),
        message: `EXPOSE ${port}: the image offers SSH`,
        fix: 'Remove the SSH server and EXPOSE 22; use `berth exec -it <container> sh` for a shell and logs/volumes for files',
      });
    }
  },
});

/** What each command needs beyond the default capabilities, or undefined when it needs nothing more. */
export function privilegedNeed(args: string[]): string | undefined {
  const name = basename(args[0] ?? '');
  const rest = args.slice(1);
  const operands = rest.filter((a) => !a.startsWith('-'));
  switch (name) {
    case 'mount': return operands.length > 0 && !rest.includes('-l') ? 'mount needs CAP_SYS_ADMIN' : undefined;
    case 'umount': return 'umount needs CAP_SYS_ADMIN';
    case 'modprobe': case 'insmod': case 'rmmod': return `${name} loads kernel modules into the host's kernel (CAP_SYS_MODULE)`;
    case 'sysctl':
      return rest.includes('-w') || rest.includes('-p') || rest.includes('--system') || operands.some((a) => a.includes('=')) ? 'sysctl -w writes kernel parameters (a read-only /proc/sys without --privileged)' : undefined;
    case 'iptables': case 'ip6tables': case 'nft': case 'iptables-restore': case 'ip6tables-restore': case 'iptables-legacy': case 'iptables-nft':
      return `${name} changes packet filtering (CAP_NET_ADMIN)`;
    case 'ip': {
      const obj = operands[0];
      const verb = operands[1];
      return obj && /^(link|l|addr|address|a|route|r|rule|netns|tuntap)$/.test(obj) && verb && /^(add|del|delete|set|change|replace|flush)$/.test(verb) ? `ip ${obj} ${verb} changes the network configuration (CAP_NET_ADMIN)` : undefined;
    }
    case 'swapon': case 'swapoff': return `${name} needs CAP_SYS_ADMIN`;
    case 'losetup': return 'losetup needs loop devices and CAP_SYS_ADMIN';
    default: return undefined;
  }
}

function execCommands(node: Node): string[][] {
  if (node.json) {
    const words = node.next.map((n) => n.value);
    const c = words.indexOf('-c');
    if (c > 0 && /^(\/bin\/)?(ba|da|z)?sh$/.test(words[0]) && words[c + 1]) return parseShell(words[c + 1]).map(argv);
    return [words];
  }
  return parseShell(node.next.map((n) => n.value).join(' ')).map(argv);
}

const privileged = berthRule({
  code: 'BL7003',
  name: 'NeedsPrivileged',
  severity: 'warning',
  description: 'Commands that only work with --privileged or added capabilities (mount, modprobe, sysctl -w, iptables): in a RUN they fail, in CMD/ENTRYPOINT they ask users to run the container privileged.',
  check(input, report) {
    const v = view(input);
    for (const run of v.runs) {
      if (run.node.flags.includes('--security=insecure')) continue; // asked for explicitly, with the entitlement
      for (const [i, cmd] of run.commands.entries()) {
        const need = privilegedNeed(run.argvs[i]);
        if (!need) continue;
        report({
          ...locateCommand(input, run, cmd),
          message: `RUN ${run.argvs[i].join(' ').slice(0, 60)}: ${need}, which a build step does not have`,
          fix: 'Do it at run time on the host or in an init step with only the capability it needs (`--cap-add`), not in the image build',
        });
      }
    }
    const final = v.final;
    if (!final) return;
    for (const node of inherited(final)) {
      if (node.value !== 'cmd' && node.value !== 'entrypoint') continue;
      const need = execCommands(node).map(privilegedNeed).find(Boolean);
      if (!need) continue;
      report({
        line: node.startLine,
        message: `${node.value.toUpperCase()} runs a command that needs privileges: ${need}; the container would have to run with --privileged`,
        fix: 'Move that setup to the host (or a one-off privileged init container) and grant only the capability needed with --cap-add, never --privileged',
      });
    }
  },
});

export const RUNTIME_RULES: LintRule[] = [noHealthcheck, exposeSsh, privileged];
