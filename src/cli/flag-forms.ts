/**
 * Docker's (pflag's) flag forms that commander does not know, rewritten into forms it does before
 * parsing: a boolean flag takes a value only after `=` (`--rm=false`, `-d=false`, `-it=false`) and
 * never takes the next argument; a shorthand value flag may be written `-e=FOO=1`. A false boolean
 * becomes a hidden `--no-<flag>` option, added to the command only when used.
 */
import { Option, type Command } from 'commander';
import { parseBool } from './context.js';

/** pflag names a flag with its shorthand in errors: "-a, --all". */
const goBool = (o: Option, v: string) => parseBool(o.short && o.long ? `${o.short}, ${o.long}` : (o.long ?? o.short!))(v);

const takesValue = (o: Option) => o.required || o.optional;

/** `--flag` or (for false) a `--no-flag` this function makes sure exists. */
function boolForm(cmd: Command, o: Option, value: boolean): string {
  const long = o.long ?? `--${o.attributeName()}`;
  if (value) return o.long ?? o.short!;
  const negName = long.replace(/^--/, '--no-');
  if (!cmd.options.some((x) => x.long === negName)) {
    const neg = new Option(negName).hideHelp();
    if (!o.long) neg.attributeName = () => o.attributeName(); // a short-only flag keeps its attribute
    cmd.addOption(neg);
  }
  return negName;
}

/**
 * Rewrite `args` (the arguments after the command's name) for `cmd`. Parsing stops at `--`, and at the
 * first positional argument of a command that passes the rest through (run, create, exec).
 */
export function normalizeFlagForms(cmd: Command, args: string[]): string[] {
  const passThrough = Boolean((cmd as unknown as { _passThroughOptions?: boolean })._passThroughOptions);
  const byLong = (name: string) => cmd.options.find((o) => o.long === name && !o.negate);
  const byShort = (c: string) => cmd.options.find((o) => o.short === `-${c}`);
  const out: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const o = byLong(eq < 0 ? a : a.slice(0, eq));
      if (!o) { out.push(a); continue; }
      if (!takesValue(o)) { out.push(eq < 0 ? a : boolForm(cmd, o, goBool(o, a.slice(eq + 1)))); continue; }
      out.push(a);
      if (eq < 0 && o.required && i + 1 < args.length) out.push(args[++i]);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let consumedNext = false;
      for (let j = 1; j < a.length; j++) {
        const o = byShort(a[j]);
        if (!o) { out.push(`-${a.slice(j)}`); break; } // commander reports it
        if (!takesValue(o)) {
          if (a[j + 1] === '=') { out.push(boolForm(cmd, o, goBool(o, a.slice(j + 2)))); break; }
          out.push(o.short!);
          continue;
        }
        // `--long=value` (or `-xvalue`): commander then never mistakes the value for a flag
        const form = (v: string) => o.long ? `${o.long}=${v}` : `${o.short}${v}`;
        const rest = a.slice(j + 1);
        if (rest !== '') out.push(form(rest.startsWith('=') ? rest.slice(1) : rest));
        else if (o.required && i + 1 < args.length) { out.push(form(args[i + 1])); consumedNext = true; }
        else out.push(o.short!); // commander reports the missing value
        break;
      }
      if (consumedNext) i++;
      continue;
    }
    out.push(a);
    if (passThrough) { i++; break; }
  }
  return [...out, ...args.slice(i)];
}

/** The command `argv` names (its path of subcommands) and where its own arguments start. */
export function targetCommand(program: Command, argv: string[]): { cmd: Command; start: number } {
  let cmd = program;
  let i = 0;
  for (; i < argv.length; i++) {
    const next = cmd.commands.find((c) => c.name() === argv[i] || c.aliases().includes(argv[i]));
    if (!next) break;
    cmd = next;
  }
  return { cmd, start: i };
}
