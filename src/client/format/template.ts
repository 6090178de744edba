/**
 * A Go text/template interpreter for Docker's --format strings: parser (tokens -> tree) and
 * executor with Go's truthiness, printing rules and Docker's extra functions
 * (json, join, split, title, lower, upper, pad, truncate, println).
 *
 * Data model: plain objects and arrays are Go maps and slices (a missing key prints `<no value>`);
 * class instances are Go structs (a missing field is an error, function-valued fields are
 * methods that take the command's arguments, e.g. `{{.Label "com.example"}}`).
 */
import { tokenize, TemplateError, type Token } from './template-lexer.js';
import { printValue } from './printf.js';

interface ControlNode { kind: 'if' | 'with' | 'range'; pipe: Pipeline; list: Node[]; elseList: Node[] | null; line: number }
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline; line: number }
  | ControlNode
  | { kind: 'break' | 'continue' };

interface Pipeline { decl: string[]; assign: boolean; cmds: Command[]; text: string }
interface Command { args: Operand[] }
type Operand =
  | { kind: 'field'; chain: string[] }                       // .A.B
  | { kind: 'variable'; name: string; chain: string[] }      // $x.A
  | { kind: 'dot' }
  | { kind: 'identifier'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'pipe'; pipe: Pipeline; chain: string[] };      // (pipeline).A

export type TemplateFunc = (...args: any[]) => unknown;

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly src: string, private readonly funcs: Record<string, TemplateFunc>) {}

  // the last token is always 'eof'; reading past it keeps returning it
  private peek(): Token { return this.toks[Math.min(this.i, this.toks.length - 1)]; }
  private next(): Token { const t = this.peek(); this.i++; return t; }
  private fail(msg: string, t = this.peek()): never { throw new TemplateError(`template: :${t.line}: ${msg}`); }
  private expect(type: Token['type'], ctx: string): Token {
    const t = this.next();
    if (t.type !== type) this.fail(`unexpected "${t.value || t.type}" in ${ctx}`, t);
    return t;
  }

  parse(): Node[] {
    const { list, end } = this.parseList();
    if (end) this.fail(`unexpected {{${end}}}`);
    return list;
  }

  /** Parses nodes until {{end}}/{{else}} (returned as `end`) or EOF. */
  private parseList(): { list: Node[]; end: string | null; elseIf?: boolean } {
    const list: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === 'eof') return { list, end: null };
      if (t.type === 'text') { list.push({ kind: 'text', text: t.value }); continue; }
      if (t.type !== 'open') this.fail(`unexpected ${t.type}`, t);
      const k = this.peek();
      if (k.type === 'comment') { this.next(); this.expect('close', 'comment'); continue; }
      if (k.type === 'identifier') {
        switch (k.value) {
          case 'end': this.next(); this.expect('close', 'end'); return { list, end: 'end' };
          case 'else':
            this.next();
            if (this.peek().type === 'identifier' && (this.peek().value === 'if' || this.peek().value === 'with')) {
              return { list, end: 'else', elseIf: true };
            }
            this.expect('close', 'else');
            return { list, end: 'else' };
          case 'if': case 'with': case 'range':
            this.next();
            list.push(this.parseControl(k.value, k.line));
            continue;
          case 'break': case 'continue':
            this.next(); this.expect('close', k.value);
            list.push({ kind: k.value });
            continue;
          case 'define': case 'template': case 'block':
            this.fail(`{{${k.value}}} is not supported in --format templates`);
        }
      }
      const pipe = this.parsePipeline('command', true);
      list.push({ kind: 'action', pipe, line: k.line });
    }
  }

  private parseControl(kind: 'if' | 'with' | 'range', line: number): Node {
    const pipe = this.parsePipeline(kind, kind !== 'if' || true);
    const body = this.parseList();
    if (body.end === null) this.fail(`unexpected EOF`, this.toks[this.toks.length - 1]);
    let elseList: Node[] | null = null;
    if (body.end === 'else') {
      if (body.elseIf) {
        // {{else if ...}} is sugar for {{else}}{{if ...}}...{{end}}{{end}}
        const kw = this.next();
        elseList = [this.parseControl(kw.value as 'if' | 'with', kw.line)];
      } else {
        const rest = this.parseList();
        if (rest.end !== 'end') this.fail(rest.end === null ? 'unexpected EOF' : `expected end; found {{${rest.end}}}`, this.toks[this.i - 1]);
        elseList = rest.list;
      }
    }
    return { kind, pipe, list: body.list, elseList, line };
  }

  private parsePipeline(ctx: string, allowDecl: boolean): Pipeline {
    const startTok = this.peek();
    const decl: string[] = [];
    let assign = false;
    if (allowDecl && this.peek().type === 'variable') {
      // lookahead for `$x :=`, `$x =`, `$i, $e :=`
      const save = this.i;
      const names = [this.next().value];
      if (this.peek().type === 'comma') { this.next(); if (this.peek().type === 'variable') names.push(this.next().value); }
      const op = this.peek();
      if (op.type === 'declare' || op.type === 'assign') {
        this.next();
        decl.push(...names);
        assign = op.type === 'assign';
      } else this.i = save;
    }
    const cmds: Command[] = [];
    for (;;) {
      cmds.push(this.parseCommand(ctx));
      const t = this.peek();
      if (t.type === 'pipe') { this.next(); continue; }
      if (t.type === 'close' || t.type === 'rparen') break;
      this.fail(`unexpected "${t.value}" in ${ctx}`);
    }
    if (ctx !== 'parenthesized pipeline') this.expect('close', ctx);
    const endTok = this.toks[this.i - 1];
    return { decl, assign, cmds, text: this.src.slice(startTok.pos, endTok.pos).trim() };
  }

  private parseCommand(ctx: string): Command {
    const args: Operand[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'close' || t.type === 'pipe' || t.type === 'rparen' || t.type === 'eof') break;
      args.push(this.parseOperand());
    }
    if (args.length === 0) this.fail(`missing value for ${ctx}`);
    return { args };
  }

  private chain(): string[] {
    const out: string[] = [];
    while (this.peek().type === 'field' && this.peek().attached) out.push(this.next().value);
    return out;
  }

  private parseOperand(): Operand {
    const t = this.next();
    switch (t.type) {
      case 'field': return { kind: 'field', chain: [t.value, ...this.chain()] };
      case 'variable': return { kind: 'variable', name: t.value, chain: this.chain() };
      case 'dot': return { kind: 'dot' };
      case 'string': return { kind: 'literal', value: t.value };
      case 'bool': return { kind: 'literal', value: t.value === 'true' };
      case 'nil': return { kind: 'literal', value: null };
      case 'number': return { kind: 'literal', value: parseNumber(t.value) };
      case 'identifier':
        if (!(t.value in this.funcs)) this.fail(`function "${t.value}" not defined`, t);
        return { kind: 'identifier', name: t.value };
      case 'lparen': {
        const pipe = this.parsePipeline('parenthesized pipeline', false);
        this.expect('rparen', 'parenthesized pipeline');
        return { kind: 'pipe', pipe, chain: this.chain() };
      }
      default: return this.fail(`unexpected "${t.value || t.type}" in operand`, t);
    }
  }
}

function parseNumber(s: string): number {
  const clean = s.replace(/_/g, '');
  if (/^[+-]?0[xX]/.test(clean)) return parseInt(clean, 16);
  if (/^[+-]?0[bB]/.test(clean)) return parseInt(clean.replace(/0[bB]/, ''), 2);
  if (/^[+-]?0[oO]?[0-7]+$/.test(clean) && clean.replace(/^[+-]/, '').length > 1) return parseInt(clean.replace(/0[oO]?/, ''), 8);
  return Number(clean);
}

/** Go's notion of "true": non-zero, non-empty, non-nil. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (isMap(v)) return Object.keys(v as object).length > 0;
  return true;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}';
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'object') return `*${(v as object).constructor?.name ?? 'struct'}`;
  return typeof v === 'number' ? 'float64' : typeof v;
}

class BreakSignal { constructor(readonly kind: 'break' | 'continue') {} }

class Executor {
  private vars: Array<[string, unknown]> = [];
  out = '';
  constructor(private readonly funcs: Record<string, TemplateFunc>) {}

  private fail(pipe: Pipeline | null, msg: string): never {
    throw new TemplateError(`template: :1: executing "" at <${pipe?.text ?? ''}>: ${msg}`);
  }

  run(nodes: Node[], dot: unknown): void {
    for (const n of nodes) this.node(n, dot);
  }

  private node(n: Node, dot: unknown): void {
    switch (n.kind) {
      case 'text': this.out += n.text; return;
      case 'action': {
        const v = this.pipeline(n.pipe, dot);
        if (n.pipe.decl.length === 0) this.out += printValue(v);
        return;
      }
      case 'break': case 'continue': throw new BreakSignal(n.kind);
      case 'if': case 'with': {
        const mark = this.vars.length;
        const v = this.pipeline(n.pipe, dot);
        if (truth(v)) this.run(n.list, n.kind === 'with' ? v : dot);
        else if (n.elseList) this.run(n.elseList, dot);
        this.vars.length = mark;
        return;
      }
      case 'range': return this.range(n as ControlNode, dot);
    }
  }

  private range(n: ControlNode, dot: unknown): void {
    const mark = this.vars.length;
    const decl = n.pipe.decl;
    const v = this.pipeline({ ...n.pipe, decl: [] }, dot);
    let entries: Array<[unknown, unknown]>;
    if (v === undefined || v === null) entries = [];
    else if (Array.isArray(v)) entries = v.map((e, i) => [i, e]);
    else if (v instanceof Map) entries = [...v.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    else if (isMap(v)) entries = Object.keys(v).sort().map((k) => [k, v[k]]);
    else if (typeof v === 'number' && Number.isInteger(v)) entries = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
    else this.fail(n.pipe, `range can't iterate over ${printValue(v)}`);
    if (entries.length === 0) {
      if (n.elseList) this.run(n.elseList, dot);
      this.vars.length = mark;
      return;
    }
    for (const [k, e] of entries) {
      const inner = this.vars.length;
      if (decl.length === 1) this.vars.push([decl[0], e]);
      else if (decl.length === 2) { this.vars.push([decl[0], k]); this.vars.push([decl[1], e]); }
      try {
        this.run(n.list, e);
      } catch (err) {
        if (!(err instanceof BreakSignal)) throw err;
        if (err.kind === 'break') { this.vars.length = inner; break; }
      }
      this.vars.length = inner;
    }
    this.vars.length = mark;
  }

  private lookupVar(pipe: Pipeline, name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i][0] === name) return this.vars[i][1];
    return this.fail(pipe, `undefined variable: ${name}`);
  }

  private pipeline(pipe: Pipeline, dot: unknown): unknown {
    let value: unknown;
    let hasFinal = false;
    for (const cmd of pipe.cmds) {
      value = this.command(pipe, cmd, dot, hasFinal, value);
      hasFinal = true;
    }
    if (pipe.decl.length > 0) {
      if (pipe.assign) {
        const name = pipe.decl[0];
        let found = false;
        for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i][0] === name) { this.vars[i][1] = value; found = true; break; }
        if (!found) this.fail(pipe, `undefined variable: ${name}`);
      } else {
        for (const name of pipe.decl) this.vars.push([name, value]);
      }
    }
    return value;
  }

  private command(pipe: Pipeline, cmd: Command, dot: unknown, hasFinal: boolean, final: unknown): unknown {
    const [first, ...rest] = cmd.args;
    const evalArgs = () => {
      const a = rest.map((op) => this.operand(pipe, op, dot));
      if (hasFinal) a.push(final);
      return a;
    };
    switch (first.kind) {
      case 'identifier': {
        const fn = this.funcs[first.name];
        if (first.name === 'and' || first.name === 'or') return this.andOr(pipe, first.name, rest, dot, hasFinal, final);
        try {
          return fn(...evalArgs());
        } catch (e) {
          if (e instanceof TemplateError) throw e;
          return this.fail(pipe, `error calling ${first.name}: ${(e as Error).message}`);
        }
      }
      case 'field': return this.walk(pipe, dot, first.chain, evalArgs(), '');
      case 'variable': return this.walk(pipe, this.lookupVar(pipe, first.name), first.chain, evalArgs(), first.name);
      case 'pipe': return this.walk(pipe, this.pipeline(first.pipe, dot), first.chain, evalArgs(), '');
      default:
        if (rest.length > 0 || hasFinal) this.fail(pipe, `can't give argument to non-function ${printValue(this.operand(pipe, first, dot))}`);
        return this.operand(pipe, first, dot);
    }
  }

  private andOr(pipe: Pipeline, name: string, ops: Operand[], dot: unknown, hasFinal: boolean, final: unknown): unknown {
    const values: Array<() => unknown> = ops.map((op) => () => this.operand(pipe, op, dot));
    if (hasFinal) values.push(() => final);
    if (values.length === 0) this.fail(pipe, `wrong number of args for ${name}: want at least 1 got 0`);
    let v: unknown;
    for (const get of values) {
      v = get();
      if (name === 'and' ? !truth(v) : truth(v)) return v;
    }
    return v;
  }

  private operand(pipe: Pipeline, op: Operand, dot: unknown): unknown {
    switch (op.kind) {
      case 'literal': return op.value;
      case 'dot': return dot;
      case 'field': return this.walk(pipe, dot, op.chain, [], '');
      case 'variable': return this.walk(pipe, this.lookupVar(pipe, op.name), op.chain, [], op.name);
      case 'pipe': return this.walk(pipe, this.pipeline(op.pipe, dot), op.chain, [], '');
      case 'identifier': {
        const fn = this.funcs[op.name];
        if (op.name === 'and' || op.name === 'or') this.fail(pipe, `wrong number of args for ${op.name}: want at least 1 got 0`);
        return fn();
      }
    }
  }

  /** Field chain evaluation; `args` go to the last element (a method call). */
  private walk(pipe: Pipeline, receiver: unknown, chain: string[], args: unknown[], base: string): unknown {
    let v = receiver;
    if (chain.length === 0 && args.length > 0) this.fail(pipe, `can't give argument to non-function ${base || '.'}`);
    chain.forEach((name, idx) => {
      const last = idx === chain.length - 1;
      const callArgs = last ? args : [];
      if (v === undefined || v === null) this.fail(pipe, `nil pointer evaluating ${typeName(v)}.${name}`);
      if (v instanceof Map) {
        if (callArgs.length) this.fail(pipe, `${name} is not a method but has arguments`);
        v = v.get(name);
        return;
      }
      if (isMap(v)) {
        if (callArgs.length) this.fail(pipe, `${name} is not a method but has arguments`);
        v = Object.prototype.hasOwnProperty.call(v, name) ? v[name] : undefined;
        return;
      }
      if (typeof v !== 'object') this.fail(pipe, `can't evaluate field ${name} in type ${typeName(v)}`);
      const obj = v as Record<string, unknown>;
      if (!(name in obj)) this.fail(pipe, `can't evaluate field ${name} in type ${typeName(v)}`);
      const member = obj[name];
      if (typeof member === 'function') {
        if (member.length !== callArgs.length && !(member as { variadic?: boolean }).variadic) {
          this.fail(pipe, `wrong number of args for ${name}: want ${member.length} got ${callArgs.length}`);
        }
        v = member.apply(obj, callArgs);
      } else {
        if (callArgs.length) this.fail(pipe, `${name} has arguments but cannot be invoked as function`);
        v = member;
      }
    });
    return v;
  }
}

export interface Template {
  execute(data: unknown): string;
}

/**
 * The fields of a template that is only text and `{{.Field}}` actions (every default table, most
 * --format values), in order, with the text between them: `texts.length === fields.length + 1`.
 * Undefined for anything else.
 */
function plainFields(nodes: Node[]): { texts: string[]; fields: string[] } | undefined {
  const texts = [''];
  const fields: string[] = [];
  for (const n of nodes) {
    if (n.kind === 'text') { texts[texts.length - 1] += n.text; continue; }
    if (n.kind !== 'action' || n.pipe.decl.length > 0 || n.pipe.cmds.length !== 1) return undefined;
    const args = n.pipe.cmds[0].args;
    if (args.length !== 1 || args[0].kind !== 'field' || args[0].chain.length !== 1) return undefined;
    fields.push(args[0].chain[0]);
    texts.push('');
  }
  return { texts, fields };
}

/**
 * One row of a plain-field template over a struct (a class instance such as ContainerContext): the
 * field's value, or its method's result when it takes no arguments. Undefined when the row needs the
 * general executor (a map, a missing field, a method with arguments: its values and errors are the
 * executor's). Why: `ps -a` with 1,000 containers runs the template 1,000 times in a fresh process,
 * where the general executor's closures and destructuring run cold (most of the CLI's time there).
 */
function executePlain(plain: { texts: string[]; fields: string[] }, data: unknown): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || data instanceof Map || isMap(data)) return undefined;
  const obj = data as Record<string, unknown>;
  const { texts, fields } = plain;
  // every field checked before any getter runs, so that a fallback never runs one twice
  for (let i = 0; i < fields.length; i++) if (!(fields[i] in obj)) return undefined;
  let out = texts[0];
  for (let i = 0; i < fields.length; i++) {
    let v = obj[fields[i]];
    if (typeof v === 'function') {
      if (v.length !== 0) return undefined;
      v = (v as () => unknown).call(obj);
    }
    out += printValue(v) + texts[i + 1];
  }
  return out;
}

/** Parse a template once; execute it for every item. */
export function parseTemplate(src: string, funcs: Record<string, TemplateFunc>): Template {
  const nodes = new Parser(tokenize(src), src, funcs).parse();
  const plain = plainFields(nodes);
  return {
    execute(data: unknown): string {
      if (plain) {
        const fast = executePlain(plain, data);
        if (fast !== undefined) return fast;
      }
      const ex = new Executor(funcs);
      (ex as unknown as { vars: Array<[string, unknown]> }).vars.push(['$', data]);
      try {
        ex.run(nodes, data);
      } catch (e) {
        if (e instanceof BreakSignal) return ex.out;
        throw e;
      }
      return ex.out;
    },
  };
}
