/** CIS section 4, container images: users, health checks, secrets in their history, ADD, vulnerabilities, signatures. */
import { BerthError, NotSupportedError } from '../../common/errors.js';
import { hostCheck, imageCheck, imageName, info, note, pass, warn, type AuditCheck, type Verdict } from '../check.js';
import type { ImageRecord } from '../../image/image-store.js';

/** Names that hold secrets; `_FILE`/`_PATH` variants point at a secret instead of holding it. */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)/i;
const NOT_A_VALUE = /_(FILE|PATH|DIR|URL_FILE)$/i;

function isRootUser(user: string | undefined): boolean {
  const u = (user ?? '').trim();
  if (u === '') return true;
  const name = u.split(':')[0];
  return name === 'root' || name === '0';
}

/** NAME=VALUE assignments with a secret-looking name and a literal value (not empty, not `$VAR`). */
export function secretAssignments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s|"'])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']*)/g)) {
    const [, name, raw] = m;
    const value = raw.replace(/^["']|["']$/g, '');
    if (!SECRET_NAME.test(name) || NOT_A_VALUE.test(name) || value === '' || value.startsWith('$')) continue;
    out.push(name);
  }
  return out;
}

/** Where in an image's config and history a secret appears (names only; values are never printed). */
export function secretsInImage(config: any): string[] {
  const found = new Set<string>();
  for (const e of (config?.config?.Env ?? []) as string[]) {
    const eq = e.indexOf('=');
    const name = eq < 0 ? e : e.slice(0, eq);
    const value = eq < 0 ? '' : e.slice(eq + 1);
    if (SECRET_NAME.test(name) && !NOT_A_VALUE.test(name) && value !== '' && !value.startsWith('$')) found.add(`ENV ${name}`);
  }
  for (const [k, v] of Object.entries((config?.config?.Labels ?? {}) as Record<string, string>)) {
    if (SECRET_NAME.test(k) && v) found.add(`LABEL ${k}`);
  }
  for (const h of (config?.history ?? []) as Array<{ created_by?: string }>) {
    const by = h.created_by ?? '';
    for (const name of secretAssignments(by)) found.add(`history ${name}`);
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(by)) found.add('history: a private key');
  }
  return [...found];
}

/** Scans of images at once in 4.4: each reads an image's layers, so a few, not all. */
const SCAN_CONCURRENCY = 4;

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]); }
  }));
  return out;
}

function hasHealthcheck(img: ImageRecord): boolean {
  const test = img.config?.config?.Healthcheck?.Test as string[] | undefined;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

/** 4.9: ADD of local files in history (COPY says what it does; ADD also fetches URLs and unpacks archives). */
function addSteps(img: ImageRecord): number {
  return ((img.config?.history ?? []) as Array<{ created_by?: string }>).filter((h) => /^(\/bin\/sh -c #\(nop\)\s*)?ADD\s/.test((h.created_by ?? '').trim())).length;
}

export const IMAGE_CHECKS: AuditCheck[] = [
  imageCheck({ id: '4.1', section: 4, title: 'Ensure that a user for the container has been created', remediation: 'add `USER <non-root user>` to the Dockerfile (or run with --user)' }, (img) => {
    const user = img.config?.config?.User as string | undefined;
    return isRootUser(user) ? warn(`${imageName(img)} runs as root (${user ? `USER ${user}` : 'no USER'})`) : pass(`${imageName(img)} runs as USER ${user}`);
  }),
  {
    id: '4.4', section: 4, title: 'Ensure images are scanned and rebuilt to include security patches', scope: 'image',
    remediation: 'scan images (`berth scan IMAGE`), rebuild them on patched bases and remove the vulnerable ones',
    async run(ctx) {
      if (ctx.images.length === 0) return [info('no images')];
      // an empty database or no scanner: one NOTE, not one per image
      let refused: string | undefined;
      const scanOne = async (img: ImageRecord): Promise<Verdict | undefined> => {
        const target = imageName(img);
        try {
          const r = await ctx.engine.scan({ image: img.id });
          if (r.db.advisories === 0) { refused ??= 'the scan database is empty: import advisories to check images for known vulnerabilities'; return undefined; }
          const counted = r.findings.filter((f) => !f.ignored);
          const serious = counted.filter((f) => f.severity === 'CRITICAL' || f.severity === 'HIGH').length;
          return counted.length === 0 ? pass(`${target}: no known vulnerabilities`, target)
            : serious > 0 ? warn(`${target}: ${counted.length} known vulnerabilities, ${serious} high or critical`, target)
              : info(`${target}: ${counted.length} known vulnerabilities, none high or critical`, target);
        } catch (e) {
          if (e instanceof NotSupportedError || (e instanceof BerthError && e.code === 'ERR_SCAN_DB_EMPTY')) { refused ??= `images were not scanned: ${e.message}`; return undefined; }
          return { error: `scan of ${target}: ${(e as Error).message}`, target };
        }
      };
      // the first scan tells whether the scanner works at all; the rest run a few at a time
      const first = await scanOne(ctx.images[0]);
      if (refused) return [note(refused)];
      const rest = await mapLimit(ctx.images.slice(1), SCAN_CONCURRENCY, scanOne);
      if (refused) return [note(refused)];
      return [first, ...rest].filter((v): v is Verdict => v !== undefined);
    },
  },
  hostCheck({ id: '4.5', section: 4, title: 'Ensure Content trust for berth is enabled', remediation: 'none yet: image signing and signature policies come with a later berth release' },
    () => note('image signatures are not verified: berth has no signing or trust policy yet')),
  imageCheck({ id: '4.6', section: 4, title: 'Ensure that HEALTHCHECK instructions have been added to container images', remediation: 'add `HEALTHCHECK CMD ...` to the Dockerfile (or run with --health-cmd)' }, (img) =>
    hasHealthcheck(img) ? pass(`${imageName(img)} has a HEALTHCHECK`) : warn(`${imageName(img)} has no HEALTHCHECK`)),
  imageCheck({ id: '4.9', section: 4, title: 'Ensure that COPY is used instead of ADD in Dockerfiles', remediation: 'use COPY for local files; ADD only to unpack a local archive on purpose' }, (img) => {
    const n = addSteps(img);
    return n ? info(`${imageName(img)} has ${n} ADD step${n > 1 ? 's' : ''} in its history`) : pass(`${imageName(img)} has no ADD step`);
  }),
  imageCheck({ id: '4.10', section: 4, title: 'Ensure secrets are not stored in images', remediation: 'pass secrets at run time (--env-file, mounted files) or with `RUN --mount=type=secret`; never in ENV, ARG or LABEL; rebuild and rotate the secret' }, (img) => {
    const s = secretsInImage(img.config);
    return s.length ? warn(`${imageName(img)}: ${s.join(', ')} (values not shown)`) : pass(`${imageName(img)}: no secrets found in config or history`);
  }),
];
