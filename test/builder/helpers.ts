/** Shared by the build tests: a context directory written from a map of files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeContext(base: string, name: string, files: Record<string, string>): string {
  const dir = join(base, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}
