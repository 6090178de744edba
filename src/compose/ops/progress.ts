/**
 * The progress writer of every command (up, down, build, pull, push…): compose's (output/progress.ts) in
 * the mode of --progress (auto: tty on a terminal, plain otherwise; --ansi never makes auto plain, as in
 * compose v2), or quiet for the image commands' -q.
 */
import type { ComposeContext } from '../context.js';
import { progressWriter, type ProgressMode, type ProgressWriter } from '../output/progress.js';

export type { ProgressWriter } from '../output/progress.js';

export function commandProgress(c: ComposeContext, title: string, quiet = false): ProgressWriter {
  let mode: ProgressMode = quiet ? 'quiet' : c.options.progress ?? 'auto';
  if (mode === 'auto' && c.options.ansi === 'never') mode = 'plain';
  return progressWriter(c.io.stderr as NodeJS.WritableStream & { isTTY?: boolean }, mode, title, c.options.ansi);
}
