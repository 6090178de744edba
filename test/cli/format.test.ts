import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, renderItems, ellipsis, truncateId } from '../../src/client/format/formatter.ts';
import { tabwrite } from '../../src/client/format/tabwriter.ts';
import { formatG, humanDuration, humanSize, humanSizeWithPrecision, bytesSize } from '../../src/client/format/units.ts';
import { ramInBytes } from '../../src/common/byte-size.ts';
import { ContainerContext, CONTAINER_HEADERS, displayablePorts, imageRows, ImageContext, IMAGE_HEADERS } from '../../src/client/format/contexts.ts';
import { sprintf, goQuote } from '../../src/client/format/printf.ts';
import { PS_DEFAULT_TABLE } from '../../src/cli/commands/containers.ts';
import { IMAGES_DEFAULT_TABLE } from '../../src/cli/commands/images.ts';

const run = (tmpl: string, data: unknown) => compile(tmpl).execute(data);

const inspectData = {
  Id: 'abc', Name: '/web',
  Config: { Env: ['A=1', 'B=2'], Labels: { 'com.x': 'y', z: '' }, Cmd: ['sh', '-c', 'echo hi'], Tty: false },
  State: { Pid: 4242, Running: true, ExitCode: 0 },
  Mounts: [],
  NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } },
};

test('fields, nested fields, missing map keys', () => {
  assert.equal(run('{{.Name}}', inspectData), '/web');
  assert.equal(run('{{.State.Pid}}', inspectData), '4242');
  assert.equal(run('{{.Config.Cmd}}', inspectData), '[sh -c echo hi]');
  assert.equal(run('{{.Nope}}', inspectData), '<no value>');
  assert.equal(run('{{.Config.Labels}}', inspectData), 'map[com.x:y z:]');
  assert.equal(run('{{.Config.Tty}}', inspectData), 'false');
  assert.equal(run('plain text', inspectData), 'plain text');
});

test('json, index, join, printf, pipes and string functions', () => {
  assert.equal(run('{{json .Config.Env}}', inspectData), '["A=1","B=2"]');
  assert.equal(run('{{json .State}}', inspectData), '{"Pid":4242,"Running":true,"ExitCode":0}');
  assert.equal(run('{{.Config.Env | json}}', inspectData), '["A=1","B=2"]');
  assert.equal(run('{{index .Config.Labels "com.x"}}', inspectData), 'y');
  assert.equal(run('{{(index .NetworkSettings.Networks "bridge").IPAddress}}', inspectData), '172.17.0.2');
  assert.equal(run('{{join .Config.Env ","}}', inspectData), 'A=1,B=2');
  assert.equal(run('{{printf "%s-%d" .Name .State.Pid}}', inspectData), '/web-4242');
  assert.equal(run('{{upper .Name}} {{lower "AbC"}} {{title "hello big world"}}', inspectData), '/WEB abc Hello Big World');
  assert.equal(run('{{.Name | upper | lower}}', inspectData), '/web');
  assert.equal(run('{{split "a:b:c" ":"}}', inspectData), '[a b c]');
  assert.equal(run('{{truncate "abcdef" 3}}|{{pad "x" 1 2}}|', inspectData), 'abc| x  |');
  assert.equal(run('{{len .Config.Env}}', inspectData), '2');
  assert.equal(run('{{println "a" 1}}', inspectData), 'a 1\n');
});

test('range, if/else if/else, with, variables, comparisons, trim markers', () => {
  assert.equal(run('{{range .Config.Env}}[{{.}}]{{end}}', inspectData), '[A=1][B=2]');
  assert.equal(run('{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}', inspectData), '0:A=1 1:B=2 ');
  assert.equal(run('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', inspectData), 'com.x=y;z=;');
  assert.equal(run('{{range .Mounts}}x{{else}}none{{end}}', inspectData), 'none');
  assert.equal(run('{{if .State.Running}}up{{else}}down{{end}}', inspectData), 'up');
  assert.equal(run('{{if eq .State.Pid 1}}a{{else if gt .State.Pid 100}}b{{else}}c{{end}}', inspectData), 'b');
  assert.equal(run('{{with .State}}{{.Pid}}{{end}}', inspectData), '4242');
  assert.equal(run('{{with .Nope}}x{{else}}empty{{end}}', inspectData), 'empty');
  assert.equal(run('{{$n := .Name}}{{range .Config.Env}}{{$n}}{{end}}', inspectData), '/web/web');
  assert.equal(run('{{and .State.Running .Name}} {{or "" "dflt"}} {{not .State.Running}}', inspectData), '/web dflt false');
  assert.equal(run('{{eq .Name "/x" "/web"}} {{ne 1 2}} {{lt 1 2}} {{ge "b" "a"}}', inspectData), 'true true true true');
  assert.equal(run('a  {{- .Name -}}  b', inspectData), 'a/webb');
  assert.equal(run('{{/* a comment */}}x', inspectData), 'x');
  assert.equal(run('{{range .Config.Env}}{{if eq . "B=2"}}{{break}}{{end}}{{.}}{{end}}', inspectData), 'A=1');
  assert.equal(run('{{$}}', 'top'), 'top');
});

test('template errors', () => {
  assert.throws(() => compile('{{.Name'), /unclosed action/);
  assert.throws(() => compile('{{nofunc .Name}}'), /function "nofunc" not defined/);
  assert.throws(() => compile('{{if .X}}'), /unexpected EOF/);
  assert.throws(() => run('{{.Name.Deeper.Still}}', { Name: null }), /nil pointer evaluating/);
  assert.throws(() => run('{{.Bogus}}', new ContainerContext({}, true)), /can't evaluate field Bogus/);
});

test('printf verbs and Go quoting', () => {
  assert.equal(sprintf('%5s|%-5s|%05d|%x|%q|%v|%t|%.2f|%%', 'ab', 'cd', 42, 255, 'q"x', [1, 2], true, 3.14159), '   ab|cd   |00042|ff|"q\\"x"|[1 2]|true|3.14|%');
  assert.equal(goQuote('a\tb\n"c"\x01…'), '"a\\tb\\n\\"c\\"\\x01…"');
});

test('human sizes: decimal units with Go %g precision', () => {
  assert.equal(humanSizeWithPrecision(4261234, 3), '4.26MB');
  assert.equal(humanSizeWithPrecision(0, 3), '0B');
  assert.equal(humanSizeWithPrecision(999, 3), '999B');
  assert.equal(humanSizeWithPrecision(1000, 3), '1kB');
  assert.equal(humanSizeWithPrecision(999900, 3), '1e+03kB');
  assert.equal(humanSizeWithPrecision(123456789, 3), '123MB');
  assert.equal(humanSize(1234567), '1.235MB');
  assert.equal(bytesSize(1536), '1.5KiB');
  assert.equal(formatG(0.0000123, 3), '1.23e-05');
  assert.equal(ramInBytes('64m'), 64 * 1024 * 1024);
  assert.equal(ramInBytes('1g'), 1024 ** 3);
});

test('human durations: go-units HumanDuration', () => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1 * s), '1 second');
  assert.equal(humanDuration(5 * s), '5 seconds');
  assert.equal(humanDuration(59 * s), '59 seconds');
  assert.equal(humanDuration(60 * s), 'About a minute');
  assert.equal(humanDuration(119 * s), 'About a minute');
  assert.equal(humanDuration(2 * m), '2 minutes');
  assert.equal(humanDuration(59 * m), '59 minutes');
  assert.equal(humanDuration(60 * m), 'About an hour');
  assert.equal(humanDuration(89 * m), 'About an hour');
  assert.equal(humanDuration(3 * h), '3 hours');
  assert.equal(humanDuration(47 * h), '47 hours');
  assert.equal(humanDuration(3 * d), '3 days');
  assert.equal(humanDuration(15 * d), '2 weeks');
  assert.equal(humanDuration(90 * d), '3 months');
  assert.equal(humanDuration(800 * d), '2 years');
});

test('tabwriter: Docker padding (minwidth 10, padding 3), last cell never padded', () => {
  const out = tabwrite('A\tBB\tC\nlonger-than-ten\tx\ty\n');
  assert.equal(out, 'A                 BB        C\nlonger-than-ten   x         y\n');
  // a line without cells ends the column block
  assert.equal(tabwrite('a\tb\nplain\nccc\td\n'), 'a         b\nplain\nccc       d\n');
});

test('ps table: headers, truncation, quoting, relative times', () => {
  const now = Date.now();
  const c = {
    Id: 'f'.repeat(64), Names: ['/web', '/other/alias'], Image: 'busybox', ImageID: 'sha256:' + 'e'.repeat(64),
    Command: "sh -c 'sleep 1000; echo done'", Created: Math.floor(now / 1000) - 5, State: 'running', Status: 'Up 4 seconds',
    Ports: [], Labels: { b: '2', a: '1' },
  };
  const out = renderItems({ format: '', defaultTable: PS_DEFAULT_TABLE, headers: CONTAINER_HEADERS }, [new ContainerContext(c, true, now)]);
  const lines = out.split('\n');
  assert.equal(lines[0], 'CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS     NAMES');
  assert.equal(lines[1], `ffffffffffff   busybox   "sh -c 'sleep 1000; …"   5 seconds ago   Up 4 seconds             web`);
  const custom = renderItems({ format: 'table {{.Names}}\\t{{.Label "a"}}\\t{{.Labels}}', defaultTable: PS_DEFAULT_TABLE, headers: CONTAINER_HEADERS }, [new ContainerContext(c, false, now)]);
  assert.equal(custom, 'NAMES             LABEL     LABELS\nweb,other/alias   1         a=1,b=2\n');
  const json = JSON.parse(renderItems({ format: '{{json .}}', defaultTable: '', headers: {} }, [new ContainerContext(c, true, now)]));
  assert.equal(json.ID, 'ffffffffffff');
  assert.equal(json.Names, 'web');
  assert.equal(renderItems({ format: 'json', defaultTable: '', headers: {} }, [new ContainerContext(c, true, now)]).trim().startsWith('{"Command":'), true);
});

test('images table: one row per tag, <none> rows, sizes', () => {
  const now = Date.now();
  const img = { Id: 'sha256:' + 'a'.repeat(64), RepoTags: ['busybox:latest', 'busybox:1.36', 'reg.local:5000/x/y:v1'], RepoDigests: [], Created: Math.floor(now / 1000) - 7200, Size: 4261234 };
  const dangling = { Id: 'sha256:' + 'b'.repeat(64), RepoTags: [], RepoDigests: [], Created: Math.floor(now / 1000) - 60, Size: 1000 };
  const rows = [img, dangling].flatMap((i) => imageRows(i).map((r) => new ImageContext(i, r, true, now)));
  const out = renderItems({ format: '', defaultTable: IMAGES_DEFAULT_TABLE, headers: IMAGE_HEADERS }, rows);
  assert.equal(out,
    'REPOSITORY           TAG       IMAGE ID       CREATED              SIZE\n' +
    'busybox              latest    aaaaaaaaaaaa   2 hours ago          4.26MB\n' +
    'busybox              1.36      aaaaaaaaaaaa   2 hours ago          4.26MB\n' +
    'reg.local:5000/x/y   v1        aaaaaaaaaaaa   2 hours ago          4.26MB\n' +
    '<none>               <none>    bbbbbbbbbbbb   About a minute ago   1kB\n');
});

test('helpers: ellipsis, truncateId, displayable ports', () => {
  assert.equal(ellipsis('abcdef', 4), 'abc…');
  assert.equal(ellipsis('abc', 4), 'abc');
  assert.equal(truncateId('sha256:0123456789abcdef'), '0123456789ab');
  assert.equal(displayablePorts([{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }]), '0.0.0.0:8080->80/tcp, 443/tcp');
  assert.equal(displayablePorts([{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 81, PublicPort: 8081, Type: 'tcp' }]), '0.0.0.0:8080-8081->80-81/tcp');
});
