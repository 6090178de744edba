/** ShellCheck on RUN scripts (Debian's /usr/bin/shellcheck, installed by scripts/install-deps.sh). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runScripts, shellcheckFindings, SHELLCHECK_BINARY } from '../../src/lint/shellcheck.js';
import { lintInput } from './berth-rules-helper.js';
import type { LintFinding } from '../../src/lint/types.js';

test('shellcheck is installed (scripts/install-deps.sh, the lint line)', () => {
  assert.ok(existsSync(SHELLCHECK_BINARY), `${SHELLCHECK_BINARY} is missing: run scripts/install-deps.sh`);
});

const DOCKERFILE = [
  'FROM debian:12',                                       // 1
  'ARG version=1',                                        // 2
  'ENV app_home=/app',                                    // 3
  'RUN --mount=type=cache,target=/x echo $version && \\', // 4
  '# a comment inside the continuation',                 // 5
  '    cd $app_home && ls $undefined_thing',             // 6
  'SHELL ["/bin/bash", "-c"]',                            // 7
  'RUN <<EOF',                                            // 8
  'set -e',                                               // 9
  '[[ -f x ]] && echo `date`',                            // 10
  'EOF',                                                  // 11
  'RUN ["sh", "-c", "echo $1"]',                          // 12
  'RUN cat <<EOF > /etc/motd',                            // 13
  'hello $USER',                                          // 14
  'EOF',                                                  // 15
  'RUN ["echo", "$not_a_shell"]',                         // 16
  'SHELL ["pwsh", "-c"]',                                 // 17
  'RUN Write-Host $x',                                    // 18
].join('\n') + '\n';

const at = (fs: LintFinding[], code: string): string[] => fs.filter((f) => f.code === code).map((f) => `${f.line}:${f.column}`);

test('RUN scripts: one per RUN, laid out line for line, with the dialect of SHELL or the shebang', () => {
  const scripts = runScripts(lintInput(DOCKERFILE));
  assert.deepEqual(scripts.map((s) => [s.line, s.dialect]), [[4, 'sh'], [9, 'bash'], [12, 'sh'], [13, 'bash']]);
  assert.equal(scripts[0].text.split('\n')[0], ' '.repeat(33) + 'echo $version && \\');
  assert.equal(scripts[0].text.split('\n')[1], '\\', 'the dropped comment line keeps the continuation');
  assert.equal(scripts[1].text, 'set -e\n[[ -f x ]] && echo `date`\n');
});

test('findings map to Dockerfile lines and columns; ARG/ENV names count as assigned', async () => {
  const [fs] = await shellcheckFindings([lintInput(DOCKERFILE)]);
  assert.deepEqual(at(fs, 'SC2154'), ['6:24'], 'only the variable no ARG/ENV defines');
  assert.deepEqual(at(fs, 'SC2086'), ['4:39', '6:8', '6:24', '12:1']);
  assert.deepEqual(at(fs, 'SC2006'), ['10:20'], 'backquotes in the heredoc script, at its Dockerfile line');
  assert.ok(!fs.some((f) => f.line >= 16), 'exec form without a shell, and PowerShell, are not shell scripts');
  for (const f of fs) {
    assert.match(f.code, /^SC\d{4}$/);
    assert.equal(f.url, `https://www.shellcheck.net/wiki/${f.code}`);
    assert.ok(['error', 'warning', 'info', 'style'].includes(f.severity));
  }
  // sh -c in JSON form: the script is checked, its findings sit on the RUN's line
  assert.ok(fs.some((f) => f.line === 12 && f.column === 1));
});

test('many files in a few processes, each finding to its own file; config.shellcheck=false skips a file', async () => {
  const inputs = Array.from({ length: 30 }, (_, i) => lintInput(`FROM debian:12\nRUN echo $v${i}\n`, { file: `f${i}/Dockerfile`, config: { shellcheck: i !== 7 } }));
  const out = await shellcheckFindings(inputs, { batchSize: 8, concurrency: 3 });
  assert.equal(out.length, 30);
  for (const [i, fs] of out.entries()) {
    if (i === 7) { assert.deepEqual(fs, []); continue; }
    assert.ok(fs.some((f) => f.code === 'SC2154' && f.message.startsWith(`v${i} `) && f.file === `f${i}/Dockerfile` && f.line === 2));
  }
});

test('a missing binary is a coded error, not silence', async () => {
  await assert.rejects(shellcheckFindings([lintInput('FROM a:1\nRUN echo $x\n')], { binary: '/nonexistent/shellcheck' }), (e: any) => e.code === 'ERR_LINT' && /not installed/.test(e.message));
});

test('flags that go on over continuation lines are blanked, so the script starts at the command', async () => {
  const text = 'FROM debian:12\nRUN --mount=type=cache,target=/a \\\n    --mount=type=secret,id=b \\\n    echo $x && \\\n    ls\nRUN \\\n  echo $y\n';
  const scripts = runScripts(lintInput(text));
  assert.ok(!scripts.some((s) => s.text.includes('--mount')));
  const [fs] = await shellcheckFindings([lintInput(text)]);
  assert.deepEqual(at(fs, 'SC2154'), ['4:10', '7:8']);
});
