/** BL5xxx: shell and network — what a RUN fetches and runs. */
import type { LintRule } from '../../types.js';
import { argv, basename, pipelines } from '../../shell/commands.js';
import { locateCommand, view } from './dockerfile.js';
import { berthRule } from './rule.js';

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox']);
/** `sh -c "$(curl …)"`, `bash <(wget -O- …)`, `eval "$(curl …)"`, `. <(curl …)` */
const SUBSTITUTED_DOWNLOAD = /[$<]\(\s*(curl|wget|fetch)\b/;

const pipeToShell = berthRule({
  code: 'BL5001',
  name: 'PipeToShell',
  severity: 'warning',
  description: 'A script downloaded and run in one step (`curl … | sh`): nothing checks what was downloaded before it runs as root.',
  check(input, report) {
    for (const run of view(input).runs) {
      for (const pipeline of pipelines(run.commands)) {
        const names = pipeline.map((c) => basename(argv(c)[0] ?? ''));
        const dl = names.findIndex((n) => DOWNLOADERS.has(n));
        const sh = names.findIndex((n, i) => i > dl && SHELLS.has(n));
        if (dl >= 0 && sh > dl) {
          report({
            ...locateCommand(input, run, pipeline[dl]),
            message: `RUN pipes a download into ${names[sh]}: \`${names[dl]} … | ${names[sh]}\` runs whatever the server sends`,
            fix: 'Download to a file, verify it (`sha256sum -c`, a signature), then run it; or install a package instead',
          });
          continue;
        }
        for (const cmd of pipeline) {
          const words = cmd.words.map((w) => w.raw);
          const name = basename(cmd.words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text))?.text ?? '');
          const runsIt = SHELLS.has(basename(argv(cmd)[0] ?? '')) || ['eval', '.', 'source', 'sudo'].includes(name);
          if (runsIt && words.some((w) => SUBSTITUTED_DOWNLOAD.test(w))) {
            report({
              ...locateCommand(input, run, cmd),
              message: 'RUN runs a script straight from a download (`sh -c "$(curl …)"`), unverified',
              fix: 'Download to a file, verify it (`sha256sum -c`, a signature), then run it',
            });
            break;
          }
        }
      }
    }
  },
});

export const SHELL_RULES: LintRule[] = [pipeToShell];
