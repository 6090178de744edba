/**
 * What shell completion needs from the commander tree: for every command path its subcommands,
 * flags (and which of them take a value) and what each positional argument names. The scripts of
 * bash.ts, zsh.ts and fish.ts embed this table, so commands and flags complete without starting Node;
 * only object names call back into berth (`berth __complete <kind>`).
 */
import type { Command } from 'commander';

/** What a positional argument or a flag value completes to. */
export type ArgKind = 'containers' | 'images' | 'networks' | 'volumes' | 'objects' | 'files' | 'none';
export const OBJECT_KINDS = ['containers', 'images', 'networks', 'volumes', 'objects'] as const;

export interface CommandSpec {
  /** "berth", "berth container", "berth container ls" */
  key: string;
  subcommands: string[];
  flags: string[];
  /** the flags of `flags` that take a value (the next word is not a command or argument) */
  valueFlags: string[];
  /** one kind per positional argument; `variadic` repeats the last one */
  args: ArgKind[];
  variadic: boolean;
}

/** Flag values that are object names (docker's completion does the same for these). */
export const FLAG_VALUE_KINDS: Record<string, ArgKind> = {
  '--network': 'networks', '--net': 'networks', '--volumes-from': 'containers', '--link': 'containers',
};

function argKind(command: string, arg: string): ArgKind {
  if (/^containers?$/.test(arg)) return 'containers';
  if (/^images?$/.test(arg) || arg === 'repository') return 'images';
  if (/^networks?$/.test(arg)) return 'networks';
  if (/^volumes?$/.test(arg)) return 'volumes';
  if (arg === 'names') return 'objects'; // `inspect`: any object
  if (arg === 'source') return command === 'tag' ? 'images' : 'files'; // `import` reads a file
  if (arg === 'name') return command === 'pull' || command === 'push' ? 'images' : 'none';
  if (['src', 'dest', 'context'].includes(arg)) return 'files';
  return 'none';
}

const hidden = (c: Command) => (c as unknown as { _hidden?: boolean })._hidden === true;

export function completionSpec(program: Command): CommandSpec[] {
  const out: CommandSpec[] = [];
  const walk = (cmd: Command, key: string) => {
    const flags: string[] = [];
    const valueFlags: string[] = [];
    for (const o of cmd.options) {
      if (o.hidden) continue;
      for (const f of [o.short, o.long]) {
        if (!f) continue;
        flags.push(f);
        if (o.required || o.optional) valueFlags.push(f);
      }
    }
    const help = (cmd as unknown as { _getHelpOption?: () => { long?: string } | null })._getHelpOption?.();
    if (help?.long && !flags.includes(help.long)) flags.push(help.long);
    const subs = cmd.commands.filter((c) => !hidden(c));
    const args = cmd.registeredArguments;
    out.push({
      key, subcommands: subs.map((c) => c.name()), flags, valueFlags,
      args: args.map((a) => argKind(cmd.name(), a.name())), variadic: args.at(-1)?.variadic ?? false,
    });
    for (const s of subs) walk(s, `${key} ${s.name()}`);
  };
  walk(program, 'berth');
  return out;
}

/** A word safe in single quotes in every shell here (flags and names are [A-Za-z0-9_-]). */
export function assertShellWord(w: string): string {
  if (!/^[A-Za-z0-9_.:=-]+$/.test(w)) throw new Error(`completion: unexpected character in ${JSON.stringify(w)}`);
  return w;
}

/** One shell-quoted word list: 'a b c' (each word checked to need no quoting of its own). */
export const quotedWords = (words: string[]): string => `'${words.map(assertShellWord).join(' ')}'`;

/** The tables both shell scripts declare, each a word list per command key. */
const TABLES: Array<[string, (s: CommandSpec) => string[]]> = [
  ['_berth_subs', (s) => s.subcommands],
  ['_berth_flags', (s) => s.flags],
  ['_berth_vflags', (s) => s.valueFlags],
  ['_berth_args', (s) => [...s.args, ...(s.variadic ? ['...'] : [])]],
];

/** The tables as associative-array assignments; `row` writes one entry in the shell's syntax. */
export function completionTables(spec: CommandSpec[], declare: string, row: (s: CommandSpec, words: string) => string): string {
  return TABLES.map(([name, value]) => `${declare}${name}=(\n${spec.map((s) => `  ${row(s, quotedWords(value(s)))}`).join('\n')}\n)`).join('\n');
}
