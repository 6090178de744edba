/** berth's own rules, each on Dockerfiles that break it and on ones that are correct for it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berthFindings, type InputOptions } from './berth-rules-helper.js';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';
import { parseShell, argv, pipelines } from '../../src/lint/shell/commands.js';
import { worldWritable } from '../../src/lint/rules/berth/users.js';
import { exposesSsh } from '../../src/lint/rules/berth/runtime.js';
import { secretName } from '../../src/lint/rules/berth/secrets.js';
import { splitReference } from '../../src/lint/rules/berth/base-images.js';

interface Case { code: string; bad: Array<[string, number] | [string, number, InputOptions]>; good: Array<string | [string, InputOptions]> }

/** Files end with a non-root USER so that BL2002 stays out of the way unless a case is about it. */
const CASES: Case[] = [
  { code: 'BL1001', bad: [['FROM debian\nUSER 1000\n', 1], ['FROM debian:latest\nUSER 1000\n', 1], ['ARG V=latest\nFROM alpine:$V\nUSER 1', 2], ['FROM registry.example.com:5000/team/app\nUSER 1', 1]],
    good: ['FROM debian:12\nUSER 1', 'FROM debian@sha256:' + 'a'.repeat(64) + '\nUSER 1', 'FROM scratch\nUSER 1', 'FROM golang:1.22 AS build\nFROM build\nUSER 1', 'ARG V=3.20\nFROM alpine:${V}\nUSER 1', 'FROM localhost:5000/app:1.0\nUSER 1', 'FROM $UNSET_BASE\nUSER 1'] },
  { code: 'BL1002', bad: [['FROM quay.io/x/y:1\nUSER 1', 1, { config: { trustedRegistries: ['docker.io'] } }], ['FROM someone/app:1\nUSER 1', 1, { config: { trustedRegistries: ['docker.io/library'] } }]],
    good: ['FROM quay.io/x/y:1\nUSER 1', ['FROM debian:12\nUSER 1', { config: { trustedRegistries: ['docker.io/library'] } }], ['FROM registry.example.com/team/app:2\nUSER 1', { config: { trustedRegistries: ['registry.example.com'] } }], ['FROM scratch\nUSER 1', { config: { trustedRegistries: ['registry.example.com'] } }]] },
  { code: 'BL2001', bad: [['FROM debian:12\nUSER root\n', 2], ['FROM debian:12\nUSER app\nRUN id\nUSER 0:0\n', 4], ['FROM debian:12 AS base\nUSER root\nFROM base\nRUN id\n', 2]],
    good: ['FROM debian:12\nUSER root\nRUN apt-get update\nUSER app\n', 'FROM debian:12 AS b\nUSER root\nFROM debian:12\nUSER 1000\n'] },
  { code: 'BL2002', bad: [['FROM debian:12\nRUN id\n', 1], ['FROM golang:1.22 AS build\nUSER 1\nFROM debian:12\nCOPY --from=build /x /x\n', 3]],
    good: ['FROM debian:12\nUSER app\n', 'FROM debian:12 AS base\nUSER app\nFROM base\nRUN id\n', 'FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n'] },
  { code: 'BL2003', bad: [['FROM debian:12\nRUN sudo apt-get update\nUSER 1', 2], ['FROM debian:12\nRUN set -e; \\\n  X=1 sudo -u app make\nUSER 1', 3]],
    good: ['FROM debian:12\nRUN apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*\nUSER 1', 'FROM debian:12\nRUN echo sudo\nUSER 1'] },
  { code: 'BL2004', bad: [['FROM debian:12\nRUN chmod 777 /app\nUSER 1', 2], ['FROM debian:12\nRUN mkdir /d && chmod -R 0777 /d\nUSER 1', 2], ['FROM debian:12\nCOPY --chmod=777 a /a\nUSER 1', 2], ['FROM debian:12\nRUN chmod a+rwx /x\nUSER 1', 2]],
    good: ['FROM debian:12\nRUN chmod 1777 /tmp && chmod 755 /app && chmod -R u+w /app\nUSER 1', 'FROM debian:12\nCOPY --chmod=644 a /a\nUSER 1'] },
  { code: 'BL3001', bad: [['FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nUSER 1', 2]],
    good: ['FROM debian:12\nRUN apt-get update && apt-get install -qy --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 1', 'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl && rm -rf /var/lib/apt/lists/*\nUSER 1', 'FROM debian:12 AS b\nRUN apt-get update && apt-get install -y curl\nFROM debian:12\nUSER 1'] },
  { code: 'BL3002', bad: [['FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1', 2], ['FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl \\\n && apt-get clean\nUSER 1', 3]],
    good: ['FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\nUSER 1', 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1'] },
  { code: 'BL3003', bad: [['FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\nUSER 1', 2], ['FROM alpine:3.20\nRUN apk upgrade\nUSER 1', 2]],
    good: ['FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends --only-upgrade openssl && rm -rf /var/lib/apt/lists/*\nUSER 1', 'FROM alpine:3.20\nRUN apk upgrade --no-cache openssl\nUSER 1'] },
  { code: 'BL3004', bad: [['FROM alpine:3.20\nRUN apk add curl\nUSER 1', 2], ['FROM alpine:3.20\nRUN apk update && apk add --virtual .b gcc\nUSER 1', 2]],
    good: ['FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 1', 'FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\nUSER 1', 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\nUSER 1'] },
  { code: 'BL3005', bad: [['FROM fedora:40\nRUN dnf install -y httpd\nUSER 1', 2], ['FROM centos:7\nRUN yum -y install httpd && yum update\nUSER 1', 2], ['FROM opensuse/leap:15\nRUN zypper -n in curl\nUSER 1', 2]],
    good: ['FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\nUSER 1', 'FROM centos:7\nRUN yum -y install httpd && rm -rf /var/cache/yum\nUSER 1', 'FROM redhat/ubi9-minimal:9.4\nRUN microdnf install -y tar && microdnf clean all\nUSER 1'] },
  { code: 'BL3006', bad: [['FROM python:3.12\nRUN pip install flask\nUSER 1', 2], ['FROM python:3.12\nRUN python3 -m pip install -r requirements.txt\nUSER 1', 2]],
    good: ['FROM python:3.12\nRUN pip install --no-cache-dir flask\nUSER 1', 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\nUSER 1', 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\nUSER 1', 'FROM python:3.12 AS b\nRUN pip install flask\nFROM python:3.12-slim\nUSER 1'] },
  { code: 'BL4001', bad: [['FROM debian:12\nARG DB_PASSWORD=hunter2\nUSER 1', 2], ['FROM debian:12\nENV GITHUB_TOKEN="abc" \\\n    X=1\nUSER 1', 2], ['FROM debian:12\nLABEL com.example.apiKey=k1\nUSER 1', 2], ['ARG NPM_TOKEN=xyz\nFROM debian:12\nUSER 1', 1], ['FROM debian:12\nENV AWS_SECRET_ACCESS_KEY wJalr\nUSER 1', 2]],
    good: ['FROM debian:12\nARG DB_PASSWORD\nENV PASSWORD_FILE=/run/secrets/db TOKEN_URL=https://x\nUSER 1', 'FROM debian:12\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\nUSER 1', 'FROM debian:12\nENV PASSENGER_VERSION=6 KEYBOARD=us\nUSER 1'] },
  { code: 'BL4002', bad: [['FROM debian:12\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nUSER 1', 2], ['FROM debian:12\nRUN echo "-----BEGIN OPENSSH PRIVATE KEY-----" > /root/.ssh/id\nUSER 1', 2], ['FROM debian:12\nRUN <<EOF\nprintf "%s" "ghp_' + 'a'.repeat(36) + '" > t\nEOF\nUSER 1', 3]],
    good: ['FROM debian:12\nENV AWS_REGION=eu-west-1 KEY_ID=AKIA\nUSER 1', 'FROM debian:12\nRUN --mount=type=secret,id=aws aws s3 cp s3://b/x /x\nUSER 1'] },
  { code: 'BL5001', bad: [['FROM debian:12\nRUN curl -fsSL https://x/install.sh | sh\nUSER 1', 2], ['FROM debian:12\nRUN wget -qO- https://x | sudo -E bash -s -- --yes\nUSER 1', 2], ['FROM debian:12\nRUN sh -c "$(curl -fsSL https://x/i.sh)"\nUSER 1', 2], ['FROM debian:12\nRUN set -e; \\\n    curl -sL https://deb.example/setup \\\n      | bash -\nUSER 1', 3], ['FROM debian:12\nRUN ["/bin/sh", "-c", "curl https://x | sh"]\nUSER 1', 2]],
    good: ['FROM debian:12\nRUN curl -fsSLo i.sh https://x/i.sh && echo "abc  i.sh" | sha256sum -c - && sh i.sh\nUSER 1', 'FROM debian:12\nRUN curl -fsSL https://x/a.tgz | tar -xz -C /opt\nUSER 1', 'FROM debian:12\nRUN echo "curl x | sh"\nUSER 1'] },
  { code: 'BL6001', bad: [['FROM debian:12\nADD app.py /app/\nUSER 1', 2], ['FROM debian:12\nADD ["a.txt", "b.conf", "/etc/"]\nUSER 1', 2], ['FROM debian:12\nADD --unpack=false rootfs.tar.gz /x/\nUSER 1', 2], ['FROM debian:12\nADD release.tar.gz /srv/release.tar.gz\nUSER 1', 2]],
    good: ['FROM debian:12\nADD rootfs.tar.xz /\nUSER 1', 'FROM debian:12\nADD vendor.tgz /opt/vendor.tgz.d/\nUSER 1', 'FROM debian:12\nADD https://example.com/a.tar.gz /tmp/\nUSER 1', 'FROM debian:12\nADD git@github.com:moby/buildkit.git /src\nUSER 1', 'FROM debian:12\nCOPY app.py /app/\nUSER 1'] },
  { code: 'BL6002', bad: [['FROM debian:12\nADD https://example.com/tool /usr/local/bin/tool\nUSER 1', 2], ['FROM debian:12\nADD http://example.com/a.tar.gz /tmp/\nUSER 1', 2]],
    good: ['FROM debian:12\nADD --checksum=sha256:' + 'b'.repeat(64) + ' https://example.com/tool /usr/local/bin/tool\nUSER 1', 'FROM debian:12\nADD https://github.com/moby/buildkit.git#v0.13.0 /src\nUSER 1'] },
  { code: 'BL6003', bad: [['FROM debian:12\nRUN a\nRUN b\nRUN c\nUSER 1', 3], ['FROM debian:12\nRUN a\n# a comment\nRUN b\nUSER 1', 4]],
    good: ['FROM debian:12\nRUN a\nCOPY x /x\nRUN b\nUSER 1', 'FROM debian:12\nRUN a\nRUN --mount=type=cache,target=/c b\nUSER 1', 'FROM debian:12\nRUN a\nRUN ["b"]\nUSER 1', 'FROM debian:12\nRUN a\nRUN <<EOF\nb\nEOF\nUSER 1'] },
  { code: 'BL6004', bad: [['FROM node:20\nCOPY . .\nUSER 1', 2, { hasDockerignore: false }], ['FROM node:20\nCOPY --chown=1:1 ./ /app\nUSER 1', 2, { hasDockerignore: false }]],
    good: [['FROM node:20\nCOPY . .\nUSER 1', { hasDockerignore: true }], 'FROM node:20\nCOPY . .\nUSER 1', ['FROM node:20\nCOPY package.json /app/\nCOPY --from=build . /app\nUSER 1', { hasDockerignore: false }]] },
  { code: 'BL6005', bad: [['FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\nUSER 1', 2], ['FROM alpine:3.20\nRUN apk add --no-cache gcc=13.2.1-r0 musl-dev\nUSER 1', 2]],
    good: ['FROM debian:12 AS build\nRUN apt-get install -y gcc make\nFROM debian:12-slim\nUSER 1', 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc make && make && apk del .build-deps\nUSER 1', 'FROM debian:12\nRUN apt-get install -y --no-install-recommends gcc && make && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\nUSER 1', 'FROM debian:12\nRUN dpkg -l > /a && apt-get install -y --no-install-recommends make && dpkg -l > /b && apt-get remove --purge -y $(diff /a /b | awk \'{print $2}\') && rm -rf /var/lib/apt/lists/*\nUSER 1'] },
  { code: 'BL7001', bad: [['FROM nginx:1.27\nEXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\nUSER 1', 1]],
    good: ['FROM nginx:1.27\nEXPOSE 80\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["nginx"]\nUSER 1', 'FROM nginx:1.27\nEXPOSE 80\nHEALTHCHECK NONE\nCMD ["nginx"]\nUSER 1', 'FROM debian:12\nCMD ["bash"]\nUSER 1', 'FROM nginx:1.27 AS b\nEXPOSE 80\nCMD ["nginx"]\nFROM debian:12\nCMD ["true"]\nUSER 1'] },
  { code: 'BL7002', bad: [['FROM debian:12\nEXPOSE 80 22/tcp\nUSER 1', 2], ['FROM debian:12\nEXPOSE 20-25\nUSER 1', 2]],
    good: ['FROM debian:12\nEXPOSE 2222 22/udp 8022\nUSER 1'] },
  { code: 'BL7003', bad: [['FROM debian:12\nRUN mount -t tmpfs none /mnt\nUSER 1', 2], ['FROM debian:12\nRUN modprobe br_netfilter\nUSER 1', 2], ['FROM debian:12\nRUN iptables -A INPUT -j DROP\nUSER 1', 2], ['FROM debian:12\nCMD sysctl -w vm.max_map_count=262144 && exec app\nUSER 1', 2], ['FROM debian:12\nRUN ip link add br0 type bridge\nUSER 1', 2]],
    good: ['FROM debian:12\nRUN --mount=type=cache,target=/c make\nUSER 1', 'FROM debian:12\nRUN sysctl -a > /dev/null; ip addr show\nUSER 1', 'FROM debian:12\nRUN --security=insecure mount -t tmpfs none /mnt\nUSER 1', 'FROM debian:12\nRUN apt-get install -y --no-install-recommends iptables && rm -rf /var/lib/apt/lists/*\nUSER 1'] },
];

test('every rule has cases, and every case names a rule', () => {
  assert.deepEqual(CASES.map((c) => c.code).sort(), BERTH_RULES.map((r) => r.code).sort());
  for (const r of BERTH_RULES) {
    assert.match(r.code, /^BL[1-7]\d{3}$/);
    assert.equal(r.url, `docs/lint/${r.code}.md`);
    assert.equal(r.origin, 'berth');
  }
});

for (const c of CASES) {
  test(`${c.code} fires on what breaks it, at the right line, with a message and a fix`, () => {
    for (const [text, line, opts] of c.bad) {
      const found = berthFindings(text, opts).filter((f) => f.code === c.code);
      assert.equal(found.length, 1, `${c.code} once in:\n${text}\ngot ${JSON.stringify(found)}`);
      assert.equal(found[0].line, line, text);
      assert.ok(found[0].message.length > 10 && found[0].fix && found[0].fix.length > 10);
    }
  });
  test(`${c.code} stays quiet on what is correct for it`, () => {
    for (const g of c.good) {
      const [text, opts] = typeof g === 'string' ? [g, undefined] : g;
      const found = berthFindings(text, opts).filter((f) => f.code === c.code);
      assert.deepEqual(found, [], text);
    }
  });
}

test('shell commands: operators, quotes, continuations, wrappers and pipelines', () => {
  const cmds = parseShell('set -e; X=1 sudo -u app apt-get install -y "a b" \\\n  c && echo \'x | y\' | tee f 2>&1 >/dev/null || true');
  assert.deepEqual(cmds.map((c) => c.words.map((w) => w.text)), [['set', '-e'], ['X=1', 'sudo', '-u', 'app', 'apt-get', 'install', '-y', 'a b', 'c'], ['echo', 'x | y'], ['tee', 'f'], ['true']]);
  assert.deepEqual(argv(cmds[1]), ['apt-get', 'install', '-y', 'a b', 'c']);
  assert.deepEqual(cmds[3].redirects, ['2>&1', '>/dev/null']);
  assert.deepEqual(pipelines(cmds).map((p) => p.length), [1, 1, 2, 1]);
  assert.deepEqual(parseShell('if [ -f x ]; then\n  rm x\nfi').map((c) => c.words[0]?.text), ['[', 'rm']);
  assert.deepEqual(parseShell('echo "$(curl -s http://x | sh)" # c').map((c) => c.words.map((w) => w.text)), [['echo', '$(curl -s http://x | sh)']]);
});

test('helpers: modes, ports, secret names, references', () => {
  for (const m of ['777', '0777', '666', 'o+w', 'a+rwx', 'u+x,o+w']) assert.ok(worldWritable(m), m);
  for (const m of ['1777', '755', '0644', 'u+w', 'g+w', '+x', 'o-w']) assert.ok(!worldWritable(m), m);
  assert.ok(exposesSsh('22') && exposesSsh('22/tcp') && exposesSsh('1-1024'));
  assert.ok(!exposesSsh('2222') && !exposesSsh('22/udp') && !exposesSsh('$PORT'));
  for (const n of ['DB_PASSWORD', 'NAGIOSADMIN_PASS', 'apiKey', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'ssh_private_key', 'client-secret']) assert.ok(secretName(n), n);
  for (const n of ['PASSWORD_FILE', 'TOKEN_URL', 'KEYBOARD', 'PASSENGER', 'SECRETS_DIR', 'MONKEY']) assert.ok(!secretName(n), n);
  assert.deepEqual(splitReference('node'), { domain: 'docker.io', path: 'library/node', tag: undefined, digest: undefined });
  assert.deepEqual(splitReference('localhost:5000/a/b:1@sha256:x'), { domain: 'localhost:5000', path: 'a/b', tag: '1', digest: 'sha256:x' });
});

test('a multi-line RUN reports the line of the offending command', () => {
  const text = 'FROM debian:12\nRUN apt-get update \\\n && echo hi \\\n && apt-get install -y --no-install-recommends curl\nUSER 1\n';
  const f = berthFindings(text).find((x) => x.code === 'BL3002');
  assert.equal(f?.line, 4);
  assert.equal(f?.column, 5);
});
