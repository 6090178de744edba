/** BL2xxx: users and permissions — "run as a non-root user", no sudo, no world-writable files. */
import type { Node } from '../../../builder/parser/ast.js';
import type { LintRule } from '../../types.js';
import { basename } from '../../shell/commands.js';
import { inherited, locate, locateCommand, view } from './dockerfile.js';
import { berthRule } from './rule.js';

const ROOT = new Set(['root', '0']);

/** The final stage's last USER, following `FROM <earlier stage>` back. */
function lastUser(nodes: Node[]): Node | undefined {
  return nodes.filter((n) => n.value === 'user').at(-1);
}

const finalUserRoot = berthRule({
  code: 'BL2001',
  name: 'FinalUserRoot',
  severity: 'warning',
  description: 'The final stage switches to root last, so the container runs as root.',
  check(input, report) {
    const final = view(input).final;
    if (!final) return;
    const user = lastUser(inherited(final));
    if (!user) return;
    const name = (user.next[0]?.value ?? '').split(':')[0];
    if (!ROOT.has(name)) return;
    report({
      line: user.startLine,
      message: `The image runs as root: the final stage's last USER is ${user.next[0]?.value}`,
      fix: 'End the final stage with `USER <non-root user>` (create it with `useradd`/`adduser` first); do root-only work before it',
    });
  },
});

/** Images whose tag says they run as a non-root user already (distroless `:nonroot`, `-rootless`). */
const NON_ROOT_TAG = /(^|[-_.:])(nonroot|non-root|rootless)([-_.]|$)/i;

const finalUserMissing = berthRule({
  code: 'BL2002',
  name: 'FinalUserMissing',
  severity: 'info',
  description: 'The final stage never sets USER, so the container runs as the base image\'s user — root for most images.',
  check(input, report) {
    const v = view(input);
    const final = v.final;
    if (!final || lastUser(inherited(final))) return;
    let root = final;
    while (root.parent && root.parent !== root) root = root.parent;
    if (NON_ROOT_TAG.test(root.resolvedBase ?? root.base)) return;
    report({
      line: final.from.startLine,
      message: `The final stage (FROM ${final.base}) sets no USER, so the container runs as the base image's user, root for most images`,
      fix: 'Add `USER <non-root user>` to the final stage after installing, e.g. `RUN useradd -r app` then `USER app`',
    });
  },
});

const sudo = berthRule({
  code: 'BL2003',
  name: 'SudoInRun',
  severity: 'warning',
  description: '`sudo` in a RUN: builds run as root already, and sudo in an image widens what a compromised process can do.',
  check(input, report) {
    for (const run of view(input).runs) {
      for (const cmd of run.commands) {
        const first = cmd.words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text));
        if (!first || basename(first.text) !== 'sudo') continue;
        report({
          ...locateCommand(input, run, cmd),
          message: `RUN uses sudo: \`${cmd.words.map((w) => w.raw).join(' ').slice(0, 80)}\``,
          fix: 'Drop sudo: run the command while USER is root, then switch with `USER`; use gosu/su-exec in an entrypoint if a process must drop privileges',
        });
      }
    }
  },
});

/** A mode that makes a file writable by everyone: 777, 666, 0o002 set, `o+w`, `a+rwx` — but not 1777 (sticky, /tmp). */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    if ((Number(digits[0]) & 1) === 1) return false;
    return (Number(digits[3]) & 2) === 2;
  }
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    return !!m && m[2] !== '-' && (m[1].includes('o') || m[1].includes('a')) && m[3].includes('w') && !m[3].includes('t');
  });
}

const chmod777 = berthRule({
  code: 'BL2004',
  name: 'WorldWritable',
  severity: 'warning',
  description: '`chmod 777` (or any mode that lets everyone write) in a RUN or a COPY/ADD --chmod.',
  check(input, report) {
    const v = view(input);
    for (const run of v.runs) {
      for (const [i, cmd] of run.commands.entries()) {
        const args = run.argvs[i];
        if (basename(args[0] ?? '') !== 'chmod') continue;
        // the first operand is the mode (`-R`, `--verbose` are options; `-w` would only remove a bit)
        const mode = args.slice(1).find((a) => !a.startsWith('-'));
        if (!mode || !worldWritable(mode)) continue;
        report({
          ...locateCommand(input, run, cmd),
          message: `chmod ${mode} makes files writable by every user in the container`,
          fix: 'Give the files to the user that needs them (`chown app:app`, `COPY --chown=app:app`) and use 755/644 (or 1777 for a shared temp directory)',
        });
      }
    }
    for (const stage of v.stages) {
      for (const node of stage.nodes) {
        if (node.value !== 'copy' && node.value !== 'add') continue;
        const flag = node.flags.find((f) => f.startsWith('--chmod='));
        if (!flag || !worldWritable(flag.slice('--chmod='.length))) continue;
        report({
          ...locate(input, node, flag),
          message: `${node.value.toUpperCase()} ${flag} makes the files writable by every user in the container`,
          fix: 'Use `--chown=<user>` with a mode such as 755 or 644',
        });
      }
    }
  },
});

export const USER_RULES: LintRule[] = [finalUserRoot, finalUserMissing, sudo, chmod777];
