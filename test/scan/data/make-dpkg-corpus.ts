/**
 * Regenerates dpkg-corpus.tsv: real Debian version pairs with dpkg's own verdict.
 *
 *   node --import tsx test/scan/data/make-dpkg-corpus.ts > test/scan/data/dpkg-corpus.tsv
 *
 * Versions come from the host's dpkg status and apt's package lists (every Packages file apt has):
 * binary versions, their source versions and the versions in relation fields (`Depends: x (>= 1.2~)`).
 * Pairs are: the versions one package has across suites, a binary against its source version, a
 * relation's version against the versions of the package it names, neighbours in a sorted list of all
 * versions (they share prefixes, where the rules matter), and random cross pairs (fixed seed). dpkg
 * judges all pairs in one shell process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const LISTS = '/var/lib/apt/lists';

function stanzas(text: string): Map<string, string>[] {
  return text.split(/\n\n+/).map((block) => {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of block.split('\n')) {
      if (/^\s/.test(line) && last) { fields.set(last, `${fields.get(last)} ${line.trim()}`); continue; }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) { last = m[1]!; fields.set(last, m[2]!); }
    }
    return fields;
  }).filter((f) => f.has('Package'));
}

const texts = [readFileSync('/var/lib/dpkg/status', 'utf8')];
for (const name of readdirSync(LISTS).filter((n) => n.includes('_Packages')).sort()) {
  texts.push(execFileSync('/usr/lib/apt/apt-helper', ['cat-file', `${LISTS}/${name}`], { maxBuffer: 1 << 30 }).toString());
}

const byPackage = new Map<string, Set<string>>();
const add = (pkg: string, v: string): void => {
  if (!byPackage.has(pkg)) byPackage.set(pkg, new Set());
  byPackage.get(pkg)!.add(v);
};
const pairs: Array<[string, string]> = [];
const sourcePairs: Array<[string, string]> = [];
const relations: Array<[string, string]> = [];
for (const text of texts) {
  for (const f of stanzas(text)) {
    const pkg = f.get('Package')!;
    const version = f.get('Version');
    if (!version) continue;
    add(pkg, version);
    const src = /^(\S+)(?:\s+\((\S+)\))?$/.exec(f.get('Source') ?? '');
    if (src?.[2] && src[2] !== version) sourcePairs.push([version, src[2]]);
    for (const field of ['Depends', 'Pre-Depends', 'Breaks', 'Replaces', 'Conflicts', 'Recommends']) {
      for (const m of (f.get(field) ?? '').matchAll(/([a-z0-9][a-z0-9+.-]+)(?::\S+)?\s*\((?:<<|<=|=|>=|>>)\s*([^)\s]+)\)/g)) {
        relations.push([m[1]!, m[2]!]);
      }
    }
  }
}

// mulberry32: a small seeded generator, so the corpus is the same on every run over the same lists
let seed = 0x5eed1234;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;

// Each kind of pair is capped so that one run of dpkg (a few ms per call) stays in minutes
for (const versions of byPackage.values()) {
  const vs = [...versions];
  for (let i = 0; i < vs.length; i++) for (let j = i + 1; j < vs.length; j++) pairs.push([vs[i]!, vs[j]!]);
}
for (let i = 0; i < 800; i++) pairs.push(pick(sourcePairs));
const related = relations.filter(([pkg]) => byPackage.has(pkg));
for (let i = 0; i < 1000; i++) {
  const [pkg, v] = pick(related);
  pairs.push([pick([...byPackage.get(pkg)!]), v]);
}
const all = [...new Set([...byPackage.values()].flatMap((s) => [...s]).concat(relations.map((r) => r[1])))].sort();
for (let i = 0; i < 800; i++) {
  const at = Math.floor(random() * (all.length - 1));
  pairs.push([all[at]!, all[at + 1]!]);
}
for (let i = 0; i < 1200; i++) pairs.push([pick(all), pick(all)]);

const seen = new Set<string>();
const unique = pairs.filter(([a, b]) => {
  const key = `${a}\t${b}`;
  if (a === b || seen.has(key)) return false;
  seen.add(key);
  return true;
});

const script = 'while IFS="\t" read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo "<"; '
  + 'elif dpkg --compare-versions "$a" eq "$b"; then echo "="; else echo ">"; fi; done';
const verdicts = execFileSync('bash', ['-c', script], {
  input: unique.map(([a, b]) => `${a}\t${b}\n`).join(''), maxBuffer: 1 << 26, stdio: ['pipe', 'pipe', 'inherit'],
}).toString().trim().split('\n');
if (verdicts.length !== unique.length) throw new Error(`dpkg gave ${verdicts.length} answers for ${unique.length} pairs`);

const dpkgVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dpkg']).toString();
process.stdout.write(`# a<TAB>b<TAB>dpkg's verdict (a < b, a = b, a > b); made by make-dpkg-corpus.ts with dpkg ${dpkgVersion}\n`);
unique.forEach(([a, b], i) => process.stdout.write(`${a}\t${b}\t${verdicts[i]}\n`));
