/**
 * `berth cp`: copies between a container and the local file system with Docker's semantics; the
 * copying itself is src/client/container-copy.ts (compose cp uses it too).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CopyIO, CpOptions } from '../../client/container-copy.js';

/** docker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-  /  docker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH */
export function defineCpCommand(parent: Command, ctx: CliContext): void {
  parent.command('cp').usage('[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH')
    .description('Copy files/folders between a container and the local filesystem')
    .argument('<src>').argument('<dest>')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option('-q, --quiet', 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached')
    .action(async (src: string, dest: string, o: CpOptions) => {
      // loaded here, not with the CLI: its tar-stream and streamx cost every other command's start-up
      const { copyFromContainer, copyToContainer, CopyError, splitCpArg } = await import('../../client/container-copy.js');
      const s = splitCpArg(src);
      const d = splitCpArg(dest);
      if (!s.container && !d.container) throw new CopyError('must specify at least one container source');
      if (s.container && d.container) throw new CopyError('copying between containers is not supported');
      if (!s.path || !d.path) throw new CopyError('filepath can not be empty');
      const client = await ctx.client();
      const io: CopyIO = { stdout: process.stdout, stdin: process.stdin, progress: process.stderr.isTTY ? (l) => ctx.err(l) : undefined };
      if (s.container) await copyFromContainer(client, io, s.container, s.path, d.path, o);
      else await copyToContainer(client, io, s.path, d.container, d.path, o);
    });
}
