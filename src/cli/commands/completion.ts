/**
 * `berth completion bash|zsh|fish` (docker's command: a script generated from the command tree)
 * and the hidden `berth __complete <kind>` those scripts call for object names. __complete never
 * starts a daemon: a TAB press must not leave one running.
 */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import type { CliContext } from '../context.js';
import { connectingClient, resolveHost } from '../host.js';
import { completionSpec, OBJECT_KINDS } from '../completion/spec.js';
import { bashScript } from '../completion/bash.js';
import { zshScript } from '../completion/zsh.js';
import { fishScript } from '../completion/fish.js';

const SHELLS: Record<string, { script: (s: ReturnType<typeof completionSpec>) => string; how: string }> = {
  bash: { script: bashScript, how: 'berth completion bash > /usr/share/bash-completion/completions/berth' },
  fish: { script: fishScript, how: 'berth completion fish > ~/.config/fish/completions/berth.fish' },
  zsh: { script: zshScript, how: 'berth completion zsh > "${fpath[1]}/_berth"' },
};

/** `wholeProgram` builds every command: the script covers them all, whatever this run registered. */
export function registerCompletionCommands(program: Command, ctx: CliContext, wholeProgram: () => Command): void {
  const completion = program.command('completion').usage('COMMAND')
    .description('Generate the autocompletion script for berth for the specified shell');
  completion.allowExcessArguments(false);
  completion.addHelpCommand(false);
  for (const [shell, { script, how }] of Object.entries(SHELLS)) {
    completion.command(shell).usage('').description(`Generate the autocompletion script for ${shell}`)
      .addHelpText('after', `\nTo load completions in every new session:\n  ${how}\n`)
      .action(() => { ctx.out(script(completionSpec(wholeProgram()))); });
  }

  program.command('__complete', { hidden: true }).usage('KIND').description('Names for shell completion, one a line')
    .argument('<kind>')
    .action(async (kind: string) => {
      if (!(OBJECT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown completion kind "${kind}" (${OBJECT_KINDS.join(', ')})`);
      const client = connectingClient(resolveHost(ctx.globals.host, process.env, ctx.globals.context).socket, false);
      const want = (k: string) => kind === k || kind === 'objects';
      const names: string[] = [];
      if (want('containers')) {
        for (const c of await client.json<any[]>('GET', '/containers/json', { query: { all: true } })) names.push(...(c.Names ?? []).map((n: string) => n.replace(/^\//, '')));
      }
      if (want('images')) {
        for (const i of await client.json<any[]>('GET', '/images/json')) names.push(...(i.RepoTags ?? []).filter((t: string) => t !== '<none>:<none>'));
      }
      if (want('networks')) for (const n of await client.json<any[]>('GET', '/networks')) names.push(n.Name);
      if (want('volumes')) for (const v of (await client.json<any>('GET', '/volumes')).Volumes ?? []) names.push(v.Name);
      if (names.length) ctx.out(names.join('\n') + '\n');
    });
}
