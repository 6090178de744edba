/**
 * Instruction nodes -> stages of typed instructions, with flags checked per
 * instruction. Variable substitution happens later, during the build, where
 * the stage's ARG and ENV values are known.
 */
import { parseDockerfile, type Directives, type Heredoc, type Node } from './ast.js';
import { DockerfileError, type Location } from './errors.js';

export type InstructionKind =
  | 'from' | 'run' | 'cmd' | 'label' | 'maintainer' | 'expose' | 'env' | 'add' | 'copy' | 'entrypoint'
  | 'volume' | 'user' | 'workdir' | 'arg' | 'onbuild' | 'stopsignal' | 'healthcheck' | 'shell';

const FLAGS: Record<InstructionKind, Record<string, 'string' | 'bool' | 'multi'>> = {
  from: { platform: 'string' },
  run: { mount: 'multi', network: 'string', security: 'string' },
  copy: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', exclude: 'multi', parents: 'bool' },
  add: { chown: 'string', chmod: 'string', link: 'bool', exclude: 'multi', checksum: 'string', 'keep-git-dir': 'bool', parents: 'bool', unpack: 'bool' },
  healthcheck: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
  cmd: {}, label: {}, maintainer: {}, expose: {}, env: {}, entrypoint: {}, volume: {}, user: {}, workdir: {},
  arg: {}, onbuild: {}, stopsignal: {}, shell: {},
};

export type FlagValues = Record<string, string | boolean | string[]>;

export interface Instruction {
  kind: InstructionKind;
  /** arguments as parsed (before substitution) */
  args: string[];
  /** JSON (exec) form */
  json: boolean;
  flags: FlagValues;
  heredocs: Heredoc[];
  /** the instruction line as written (continuations joined) */
  original: string;
  location: Location;
  /** ONBUILD: the trigger's text */
  trigger?: string;
}

export interface Stage {
  index: number;
  /** lower-cased AS name */
  name?: string;
  /** image reference as written (may hold ${ARGS}) */
  base: string;
  platform?: string;
  location: Location;
  instructions: Instruction[];
}

export interface Dockerfile { metaArgs: Instruction[]; stages: Stage[]; directives: Directives; warnings: string[] }

function parseFlags(kind: InstructionKind, raw: string[], loc: Location): FlagValues {
  const allowed = FLAGS[kind];
  const out: FlagValues = {};
  for (const f of raw) {
    const body = f.replace(/^--/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    const type = allowed[name];
    if (!type) throw new DockerfileError(`unknown flag: ${name}`, loc, 'ERR_DOCKERFILE_FLAG');
    if (type === 'bool') {
      if (value !== undefined && !['true', 'false'].includes(value.toLowerCase())) throw new DockerfileError(`expecting boolean value for flag ${name}, not: ${value}`, loc, 'ERR_DOCKERFILE_FLAG');
      out[name] = value === undefined || value.toLowerCase() === 'true';
    } else {
      if (value === undefined) throw new DockerfileError(`missing a value on flag: ${name}`, loc, 'ERR_DOCKERFILE_FLAG');
      if (type === 'multi') out[name] = [...((out[name] as string[] | undefined) ?? []), value];
      else {
        if (out[name] !== undefined) throw new DockerfileError(`duplicate flag specified: ${name}`, loc, 'ERR_DOCKERFILE_FLAG');
        out[name] = value;
      }
    }
  }
  return out;
}

function toInstruction(node: Node, file: string): Instruction {
  const location: Location = { file, line: node.startLine, endLine: node.endLine, column: 1 };
  if (!(node.value in FLAGS)) {
    const word = node.original.trim().split(/\s+/)[0];
    throw new DockerfileError(`unknown instruction: ${word.toUpperCase()}`, location, 'ERR_DOCKERFILE_UNKNOWN_INSTRUCTION');
  }
  const kind = node.value as InstructionKind;
  const ins: Instruction = {
    kind, args: node.next.map((n) => n.value), json: node.json, flags: parseFlags(kind, node.flags, location),
    heredocs: node.heredocs, original: node.original.trim(), location,
  };
  checkArity(ins);
  if (kind === 'onbuild') {
    const inner = node.children?.[0];
    if (!inner) throw new DockerfileError('ONBUILD requires at least one argument', location, 'ERR_DOCKERFILE_ARGS');
    const innerKind = inner.value;
    if (innerKind === 'onbuild') throw new DockerfileError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed', location, 'ERR_DOCKERFILE_ARGS');
    if (innerKind === 'from' || innerKind === 'maintainer') throw new DockerfileError(`${innerKind.toUpperCase()} isn't allowed as an ONBUILD trigger`, location, 'ERR_DOCKERFILE_ARGS');
    toInstruction({ ...inner, startLine: node.startLine, endLine: node.endLine }, file); // validate now
    ins.trigger = node.original.trim().replace(/^\S+\s+/, '');
  }
  return ins;
}

function checkArity(ins: Instruction): void {
  const n = ins.args.length;
  const name = ins.kind.toUpperCase();
  const need = (ok: boolean, msg: string): void => { if (!ok) throw new DockerfileError(msg, ins.location, 'ERR_DOCKERFILE_ARGS'); };
  switch (ins.kind) {
    case 'from': need(n === 1 || (n === 3 && ins.args[1].toLowerCase() === 'as'), 'FROM requires either one or three arguments'); break;
    case 'copy': case 'add': need(n + ins.heredocs.length >= 2 || (n >= 1 && ins.heredocs.length > 0), `${name} requires at least two arguments, but only one was provided. Destination could not be determined`); break;
    case 'env': case 'label': case 'arg': case 'expose': case 'volume': case 'workdir': case 'user': case 'stopsignal': case 'maintainer':
      need(n > 0, `${name} requires at least one argument`); break;
    case 'shell': need(ins.json && n > 0, 'SHELL requires the arguments to be in JSON form'); break;
    case 'run': need(n > 0 || ins.heredocs.length > 0, 'RUN requires at least one argument'); break;
    case 'healthcheck': need(n > 0, 'HEALTHCHECK requires an argument'); break;
    default: break;
  }
  if (ins.kind === 'stopsignal' || ins.kind === 'workdir' || ins.kind === 'user') need(n === 1, `${name} requires exactly one argument`);
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

export function parseInstructions(text: string, file = 'Dockerfile'): Dockerfile {
  const ast = parseDockerfile(text, file);
  const metaArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const node of ast.children) {
    const ins = toInstruction(node, file);
    if (ins.kind === 'from') {
      let name: string | undefined;
      if (ins.args.length === 3) {
        name = ins.args[2].toLowerCase();
        if (!STAGE_NAME.test(name)) throw new DockerfileError(`invalid name for build stage: "${ins.args[2]}", name can't start with a number or contain symbols`, ins.location, 'ERR_DOCKERFILE_STAGE');
        if (stages.some((s) => s.name === name)) throw new DockerfileError(`duplicate stage name "${name}"`, ins.location, 'ERR_DOCKERFILE_STAGE');
      }
      stages.push({ index: stages.length, name, base: ins.args[0], platform: ins.flags.platform as string | undefined, location: ins.location, instructions: [] });
      continue;
    }
    if (stages.length === 0) {
      if (ins.kind !== 'arg') throw new DockerfileError(`no build stage in current context`, ins.location, 'ERR_DOCKERFILE_NO_STAGE');
      metaArgs.push(ins);
      continue;
    }
    stages.at(-1)!.instructions.push(ins);
  }
  if (stages.length === 0) throw new DockerfileError('no build stage in current context', { file, line: ast.endLine, column: 1 }, 'ERR_DOCKERFILE_NO_STAGE');
  return { metaArgs, stages, directives: ast.directives, warnings: ast.warnings };
}

/** The stage a `--from`/`FROM` name refers to: a stage name or index before `before`. */
export function findStage(stages: Stage[], ref: string, before: number): Stage | undefined {
  const lower = ref.toLowerCase();
  const byName = stages.find((s) => s.name === lower && s.index < before);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i < before) return stages[i];
  }
  return undefined;
}
