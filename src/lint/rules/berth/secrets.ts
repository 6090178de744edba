/**
 * BL4xxx: secrets — "don't store secrets in images". ARG defaults, ENV and LABEL values are kept in the
 * image's config and history for anyone who can pull it; `RUN --mount=type=secret` keeps them out.
 */
import type { LintRule } from '../../types.js';
import { keyValues, locate } from './dockerfile.js';
import { berthRule } from './rule.js';

/** Words of a name: `DB_PASSWORD` → DB, PASSWORD; `apiKey` → API, KEY; `org.example.token` → ORG, EXAMPLE, TOKEN. */
function nameWords(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
}

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY']);
const SECRET_PAIRS = new Set(['API_KEY', 'PRIVATE_KEY', 'ACCESS_KEY', 'SECRET_KEY', 'AUTH_KEY', 'CLIENT_SECRET', 'SIGNING_KEY', 'ENCRYPTION_KEY']);
/** the name says the value points at a secret elsewhere, or describes it, which is the right way */
const REFERENCE_WORDS = new Set(['FILE', 'PATH', 'DIR', 'URL', 'URI', 'ENDPOINT', 'NAME', 'ID', 'HEADER', 'TYPE', 'LENGTH', 'EXPIRY', 'TTL', 'ENABLED', 'REQUIRED']);

export function secretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || REFERENCE_WORDS.has(words.at(-1)!)) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return words.some((w, i) => i + 1 < words.length && SECRET_PAIRS.has(`${w}_${words[i + 1]}`));
}

/** A value that is only a reference to a variable (`$X`, `${X}`) holds no literal secret. */
const ONLY_VARIABLE = /^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

const secretNames = berthRule({
  code: 'BL4001',
  name: 'SecretInArgEnvLabel',
  severity: 'warning',
  description: 'An ARG default, ENV or LABEL whose name says it is a password, token or key, with a literal value: it is stored in the image for anyone who pulls it.',
  check(input, report) {
    for (const node of input.ast.children) {
      if (node.value !== 'arg' && node.value !== 'env' && node.value !== 'label') continue;
      for (const [name, value] of keyValues(node)) {
        if (value === undefined || value === '' || ONLY_VARIABLE.test(value) || !secretName(name)) continue;
        report({
          ...locate(input, node, name),
          message: `${node.value.toUpperCase()} ${name} holds a literal secret value; it is kept in the image's config and history`,
          fix: `Pass it at build time with \`RUN --mount=type=secret,id=${name.toLowerCase()}\` (\`berth build --secret id=${name.toLowerCase()},src=…\`), or at run time with \`-e ${name}\`/a secrets file`,
        });
      }
    }
  },
});

/** Values that are credentials whatever they are called. */
/** a cheap test first: every pattern below holds one of these */
const SECRET_HINT = /AKIA|ASIA|PRIVATE KEY|gh[pousr]_|github_pat_|xox|AIza/;

const SECRET_VALUES: Array<{ what: string; re: RegExp }> = [
  { what: 'an AWS access key ID', re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: 'a private key', re: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/ },
  { what: 'a GitHub token', re: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { what: 'a Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
  { what: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
];

const secretValues = berthRule({
  code: 'BL4002',
  name: 'SecretValue',
  severity: 'error',
  description: 'A value that is a credential — an AWS access key, a private key, a GitHub/Slack/Google token — written into the Dockerfile.',
  check(input, report) {
    for (const node of input.ast.children) {
      const texts: string[] = node.value === 'arg' || node.value === 'env' || node.value === 'label'
        ? keyValues(node).map(([, v]) => v ?? '')
        : node.value === 'run' ? [node.next.map((n) => n.value).join(' '), ...node.heredocs.map((h) => h.content)] : [];
      if (!texts.some((t) => SECRET_HINT.test(t))) continue;
      for (const { what, re } of SECRET_VALUES) {
        const hit = texts.map((t) => re.exec(t)).find((m) => m);
        if (!hit) continue;
        report({
          ...locate(input, node, hit[0]),
          message: `${node.value.toUpperCase()} contains ${what}; anyone who can pull the image can read it`,
          fix: 'Remove it from the Dockerfile, revoke it, and provide it at build time with `RUN --mount=type=secret` or at run time',
        });
      }
    }
  },
});

export const SECRET_RULES: LintRule[] = [secretNames, secretValues];
