/** BL6xxx: layers and build — "minimize layers", COPY over ADD, what goes into the context and the image. */
import type { Node } from '../../../builder/parser/ast.js';
import type { LintRule } from '../../types.js';
import { locate, locateCommand, view } from './dockerfile.js';
import { packageCommand } from './packages.js';
import { berthRule } from './rule.js';

const URL_RE = /^(https?|ftp):\/\//i;
/** git sources ADD clones (BuildKit): `git@host:repo`, `https://host/repo.git`, `git://…` */
const GIT_RE = /^(git@|git:\/\/|ssh:\/\/)|\.git(#.*)?$/;
/** what ADD extracts: a tar, plain or compressed with gzip, bzip2, xz or zstd */
const TAR_RE = /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz|tzst)$/i;

/** ADD/COPY sources and destination (flags removed; JSON form too). */
function sourcesOf(node: Node): string[] {
  const args = node.next.map((n) => n.value);
  return node.heredocs.length > 0 ? args.filter((a) => !/^<<-?/.test(a)).slice(0, -1) : args.slice(0, -1);
}

const flag = (node: Node, name: string): string | undefined => {
  const f = node.flags.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  return f === undefined ? undefined : f.includes('=') ? f.slice(f.indexOf('=') + 1) : 'true';
};

const addLocal = berthRule({
  code: 'BL6001',
  name: 'AddWhereCopyFits',
  severity: 'info',
  description: 'ADD of local files that are not tar archives: ADD\'s extra behaviour (extraction, URLs) is not wanted, COPY says what happens.',
  check(input, report) {
    for (const stage of view(input).stages) {
      for (const node of stage.nodes) {
        if (node.value !== 'add') continue;
        const unpack = flag(node, 'unpack');
        const sources = sourcesOf(node);
        const local = sources.filter((s) => !URL_RE.test(s) && !GIT_RE.test(s));
        // `ADD app.tar.gz /opt/app.tar.gz`: a destination named like an archive wants the archive, not its contents
        const dest = node.next.at(-1)?.value ?? '';
        const keepsArchive = unpack === 'false' || (TAR_RE.test(dest) && !dest.endsWith('/'));
        const plain = local.filter((s) => !TAR_RE.test(s) || keepsArchive);
        if (node.heredocs.length > 0 && sources.length === 0) plain.push('<<heredoc');
        if (plain.length === 0 || plain.length < local.length) continue; // an archive among them: extraction is intended
        report({
          ...locate(input, node, /\S/),
          message: keepsArchive && plain.some((x) => TAR_RE.test(x))
            ? `ADD ${plain.join(' ')} ${dest}: ADD would extract the archive, but the destination asks for the archive itself; use COPY`
            : `ADD ${plain.join(' ')}: ${plain.length === 1 ? 'it is not a tar archive' : 'they are not tar archives'}, so ADD only copies; use COPY`,
          fix: 'Use COPY for local files; keep ADD for tar archives you want extracted (and for remote sources with --checksum)',
        });
      }
    }
  },
});

const addUrl = berthRule({
  code: 'BL6002',
  name: 'AddRemoteUrl',
  severity: 'warning',
  description: 'ADD of an http(s)/ftp URL without --checksum: the download is not verified, and remote archives are not extracted.',
  check(input, report) {
    for (const stage of view(input).stages) {
      for (const node of stage.nodes) {
        if (node.value !== 'add' || flag(node, 'checksum') !== undefined) continue;
        const url = sourcesOf(node).find((s) => URL_RE.test(s) && !GIT_RE.test(s));
        if (!url) continue;
        report({
          ...locate(input, node, url),
          message: `ADD ${url} downloads without verifying what it got${TAR_RE.test(url) ? ' (and does not extract a remote archive)' : ''}`,
          fix: 'Use `ADD --checksum=sha256:<digest> <url> <dest>`, or `RUN curl -fsSLo f <url> && echo "<sha256>  f" | sha256sum -c -` (and extract it there)',
        });
      }
    }
  },
});

const consecutiveRuns = berthRule({
  code: 'BL6003',
  name: 'ConsecutiveRun',
  severity: 'style',
  description: 'RUN instructions in a row that could be one: each makes a layer, and files deleted in a later one still take space in the earlier one.',
  check(input, report) {
    // different mounts, network or security modes, exec form or heredocs cannot simply be joined
    const joinable = (a: Node, b: Node): boolean => a.value === 'run' && b.value === 'run' && !a.json && !b.json
      && a.heredocs.length === 0 && b.heredocs.length === 0 && a.flags.join(' ') === b.flags.join(' ');
    for (const stage of view(input).stages) {
      for (let i = 1; i < stage.nodes.length; i++) {
        if (!joinable(stage.nodes[i - 1], stage.nodes[i])) continue;
        const first = stage.nodes[i - 1];
        let last = i;
        while (last + 1 < stage.nodes.length && joinable(stage.nodes[last], stage.nodes[last + 1])) last++;
        report({
          line: stage.nodes[i].startLine,
          message: `${last - i + 2} RUN instructions in a row (lines ${first.startLine}-${stage.nodes[last].startLine}) make ${last - i + 2} layers; joined with && they make one`,
          fix: 'Join consecutive RUNs with `&& \\`, keeping cleanup in the same RUN as what made the mess',
        });
        i = last;
      }
    }
  },
});

const copyContext = berthRule({
  code: 'BL6004',
  name: 'CopyContextWithoutDockerignore',
  severity: 'warning',
  description: 'COPY . (the whole context) with no .dockerignore: .git, local .env files, keys and build output go into the image.',
  check(input, report) {
    if (input.hasDockerignore !== false) return;
    for (const stage of view(input).stages) {
      for (const node of stage.nodes) {
        if ((node.value !== 'copy' && node.value !== 'add') || flag(node, 'from') !== undefined) continue;
        const whole = sourcesOf(node).find((s) => ['.', './', '*', './*', '/'].includes(s));
        if (whole === undefined) continue;
        report({
          ...locate(input, node, /\S/),
          message: `${node.value.toUpperCase()} ${whole} copies the whole build context, and there is no .dockerignore: .git, .env files and keys go into the image`,
          fix: 'Add a .dockerignore (at least `.git`, `.env*`, `*.pem`, `node_modules`, build output), or copy only the files the image needs',
        });
      }
    }
  },
});

const TOOLCHAIN = /^(build-essential|gcc|g\+\+|gcc-c\+\+|clang|make|cmake|build-base|alpine-sdk|autoconf|automake|libtool|gcc-\d+|g\+\+-\d+|clang-\d+)$/;

const toolchainInFinal = berthRule({
  code: 'BL6005',
  name: 'ToolchainInFinalImage',
  severity: 'info',
  description: 'A compiler toolchain installed in a single-stage build stays in the image: build in one stage, copy the result into a slim one.',
  check(input, report) {
    const v = view(input);
    if (v.stages.length !== 1) return;
    for (const run of v.runs) {
      const removed = new Set<string>();
      for (const a of run.argvs) {
        const pc = packageCommand(a, run.commands[0]);
        if (!pc || !['purge', 'remove', 'autoremove', 'del', 'erase'].includes(pc.subcommand)) continue;
        // `apt-get remove --purge $(diff before after)`: packages computed at run time, taken as all installed
        if (pc.packages.some((p) => p.includes('$'))) removed.add('*');
        for (const p of pc.packages) removed.add(p);
      }
      for (const [i, cmd] of run.commands.entries()) {
        const pc = packageCommand(run.argvs[i], cmd);
        if (!pc || pc.manager === 'pip' || !['install', 'add', 'in'].includes(pc.subcommand)) continue;
        // `apk add --virtual .build-deps gcc … && apk del .build-deps`
        const vi = pc.args.findIndex((x) => x === '--virtual' || x === '-t');
        const virtual = vi >= 0 ? pc.args[vi + 1] : pc.args.find((x) => x.startsWith('--virtual='))?.slice('--virtual='.length);
        if ((virtual && removed.has(virtual)) || removed.has('*')) continue;
        const tools = pc.packages.map((p) => p.replace(/[=<>~].*$/, '')).filter((p) => TOOLCHAIN.test(p) && !removed.has(p));
        if (tools.length === 0) continue;
        report({
          ...locateCommand(input, run, cmd),
          message: `${tools.join(', ')} ${tools.length === 1 ? 'is' : 'are'} installed in the only stage, so the compiler toolchain ships in the image`,
          fix: 'Use a multi-stage build: compile in a `FROM … AS build` stage and `COPY --from=build` only the result into a slim final stage (or remove the toolchain in the same RUN)',
        });
      }
    }
  },
});

export const LAYER_RULES: LintRule[] = [addLocal, addUrl, consecutiveRuns, copyContext, toolchainInFinal];
