/**
 * BuildKit's checks, each on files where it fires (line and BuildKit's message) and on files that are
 * correct for it, where it must stay silent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintDockerfile, type LintOptions } from '../../src/lint/runner.js';
import { BUILDKIT_RULES } from '../../src/lint/registry.js';

interface Case { text: string; opts?: Partial<LintOptions>; expect: Array<[number, string]> }

function findingsOf(code: string, c: Case): Array<[number, string]> {
  const r = lintDockerfile(c.text, { file: 'Dockerfile', rules: BUILDKIT_RULES, ...c.opts });
  assert.equal(r.parseError, undefined, `parses: ${c.text}`);
  return r.findings.filter((f) => f.code === code).map((f) => [f.line, f.message]);
}

const EXP = '# check=experimental=InvalidDefinitionDescription\n';

const CASES: Record<string, { fires: Case[]; clean: string[] | Case[] }> = {
  StageNameCasing: {
    fires: [{ text: 'FROM scratch AS Builder\n', expect: [[1, "Stage name 'Builder' should be lowercase"]] },
      { text: 'FROM scratch AS base\nFROM base AS FINAL\n', expect: [[2, "Stage name 'FINAL' should be lowercase"]] }],
    clean: ['FROM scratch AS builder\n', 'FROM scratch\n', 'FROM scratch AS build-1.x_y\n'],
  },
  FromAsCasing: {
    fires: [{ text: 'FROM scratch as base\n', expect: [[1, "'as' and 'FROM' keywords' casing do not match"]] },
      { text: 'from scratch AS base\n', expect: [[1, "'AS' and 'from' keywords' casing do not match"]] }],
    clean: ['FROM scratch AS base\n', 'from scratch as base\n', 'From scratch as base\n', 'FROM scratch\n'],
  },
  NoEmptyContinuation: {
    fires: [{ text: 'FROM scratch\nLABEL a=1 \\\n\n  b=2\n', expect: [[4, 'Empty continuation line']] }],
    clean: ['FROM scratch\nLABEL a=1 \\\n  b=2\n', 'FROM scratch\nLABEL a=1 \\\n# a comment\n  b=2\n', 'FROM scratch\n\nLABEL a=1\n'],
  },
  ConsistentInstructionCasing: {
    fires: [{ text: 'FROM scratch\nLABEL a=1\nlabel b=2\n', expect: [[3, "Command 'label' should match the case of the command majority (uppercase)"]] },
      { text: 'from scratch\nlabel a=1\nLABEL b=2\nLabel c=3\n', expect: [[3, "Command 'LABEL' should match the case of the command majority (lowercase)"], [4, "Command 'Label' should match the case of the command majority (lowercase)"]] }],
    // the ARGs before the first FROM do not count, as in BuildKit
    clean: ['FROM scratch\nLABEL a=1\n', 'from scratch\nlabel a=1\n', 'arg X=1\nFROM scratch\nLABEL a=$X\n'],
  },
  DuplicateStageName: {
    fires: [{ text: 'FROM scratch AS a\nFROM scratch AS b\nFROM scratch AS a\n', expect: [[3, 'Duplicate stage name "a", stage names should be unique']] }],
    clean: ['FROM scratch AS a\nFROM a AS b\n', 'FROM scratch\nFROM scratch\n'],
  },
  ReservedStageName: {
    fires: [{ text: 'FROM scratch AS scratch\n', expect: [[1, 'Stage name should not use the same name as reserved stage "scratch"']] },
      { text: 'FROM scratch AS context\n', expect: [[1, 'Stage name should not use the same name as reserved stage "context"']] }],
    clean: ['FROM scratch AS contexts\n', 'FROM scratch AS base\n'],
  },
  JSONArgsRecommended: {
    fires: [{ text: 'FROM scratch\nCMD echo hi\n', expect: [[2, 'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals']] },
      { text: 'FROM scratch\nentrypoint /bin/app\n', expect: [[2, 'JSON arguments recommended for entrypoint to prevent unintended behavior related to OS signals']] }],
    clean: ['FROM scratch\nCMD ["echo", "hi"]\nENTRYPOINT ["/app"]\n',
      'FROM scratch\nSHELL ["/bin/bash", "-c"]\nCMD echo hi\n',
      'FROM scratch AS base\nSHELL ["/bin/sh", "-c"]\nFROM base\nCMD echo inherits the shell\n'],
  },
  MaintainerDeprecated: {
    fires: [{ text: 'FROM scratch\nMAINTAINER me <me@example.com>\n', expect: [[2, 'Maintainer instruction is deprecated in favor of using label']] }],
    clean: ['FROM scratch\nLABEL org.opencontainers.image.authors="me"\n'],
  },
  UndefinedArgInFrom: {
    fires: [{ text: 'FROM busybox:$TAG\n', expect: [[1, "FROM argument 'TAG' is not declared"]] },
      { text: 'ARG VERSION=1\nFROM busybox:${VERSIO}\n', expect: [[2, "FROM argument 'VERSIO' is not declared (did you mean VERSION?)"]] },
      { text: 'FROM --platform=$PLATFORM scratch\n', expect: [[1, "FROM argument 'PLATFORM' is not declared"]] }],
    clean: ['ARG TAG=1\nFROM busybox:$TAG\n', 'ARG TAG\nFROM busybox:${TAG:-latest}\n', 'FROM --platform=$BUILDPLATFORM scratch\n', 'FROM scratch\n'],
  },
  WorkdirRelativePath: {
    fires: [{ text: 'FROM scratch\nWORKDIR app\n', expect: [[2, 'Relative workdir "app" can have unexpected results if the base image changes']] },
      { text: 'FROM scratch\nARG D=src\nWORKDIR $D\n', expect: [[3, 'Relative workdir "src" can have unexpected results if the base image changes']] }],
    clean: ['FROM scratch\nWORKDIR /app\nWORKDIR sub\n', 'FROM scratch AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\n',
      // the base image may set the variable: not known, not reported
      'FROM busybox\nWORKDIR $HOME\n'],
  },
  UndefinedVar: {
    fires: [{ text: 'FROM scratch\nCOPY $SRC /dst\n', expect: [[2, "Usage of undefined variable '$SRC'"]] },
      { text: 'FROM scratch\nENV VERSION=1\nENV V2=$VERSON\n', expect: [[3, "Usage of undefined variable '$VERSON' (did you mean $VERSION?)"]] },
      { text: 'ARG X=1\nFROM scratch\nLABEL x=$X\n', expect: [[3, "Usage of undefined variable '$X'"]] },
      // pairs of one ENV see the environment from before the instruction
      { text: 'FROM scratch\nENV A=1 B=$A\n', expect: [[2, "Usage of undefined variable '$A'"]] },
      { text: 'FROM busybox\nUSER $U\n', opts: { imageEnv: () => ['PATH=/bin', 'HOME=/root'] }, expect: [[2, "Usage of undefined variable '$U'"]] },
      // BuildKit's own examples: an image would not set a lower-case name, so it is reported even when the image's ENV is not known
      { text: 'FROM alpine AS base\nCOPY $foo .\n', expect: [[2, "Usage of undefined variable '$foo'"]] },
      { text: 'FROM alpine AS base\nARG VERSION=$foo\n', expect: [[2, "Usage of undefined variable '$foo'"]] }],
    clean: ['FROM scratch\nARG SRC\nCOPY $SRC /dst\n', 'FROM scratch\nENV A=1\nENV B=$A\n', 'ARG X=1\nFROM scratch\nARG X\nLABEL x=$X\n',
      'FROM scratch\nENV PATH=/opt/bin:$PATH\n', 'FROM scratch\nRUN echo $NOT_EXPANDED_BY_THE_FRONTEND\n',
      'FROM scratch\nARG TARGETARCH\nCOPY app-$TARGETARCH /app\n',
      'FROM scratch AS base\nARG V=1\nENV E=2\nFROM base\nLABEL v=$V e=$E\n',
      // the base image's ENV is not known here: a variable it may set is not reported
      'FROM golang:1.22\nWORKDIR $GOPATH/src\n',
      { text: 'FROM golang\nWORKDIR $GOPATH/src\n', opts: { imageEnv: () => ['GOPATH=/go'] }, expect: [] }] as Case[],
  },
  MultipleInstructionsDisallowed: {
    fires: [{ text: 'FROM scratch\nCMD ["a"]\nCMD ["b"]\n', expect: [[2, 'Multiple CMD instructions should not be used in the same stage because only the last one will be used']] },
      { text: 'FROM scratch\nHEALTHCHECK CMD ["a"]\nENTRYPOINT ["a"]\nHEALTHCHECK NONE\nENTRYPOINT ["b"]\n', expect: [
        [2, 'Multiple HEALTHCHECK instructions should not be used in the same stage because only the last one will be used'],
        [3, 'Multiple ENTRYPOINT instructions should not be used in the same stage because only the last one will be used']] }],
    clean: ['FROM scratch\nCMD ["a"]\nFROM scratch\nCMD ["b"]\n', 'FROM scratch\nENTRYPOINT ["a"]\nCMD ["b"]\n'],
  },
  LegacyKeyValueFormat: {
    fires: [{ text: 'FROM scratch\nENV A 1\n', expect: [[2, '"ENV key=value" should be used instead of legacy "ENV key value" format']] },
      { text: 'FROM scratch\nlabel a b c\n', expect: [[2, '"label key=value" should be used instead of legacy "label key value" format']] }],
    clean: ['FROM scratch\nENV A=1 B="two words"\nLABEL a=b\n'],
  },
  RedundantTargetPlatform: {
    fires: [{ text: 'FROM --platform=$TARGETPLATFORM scratch\n', expect: [[1, 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior']] },
      { text: 'FROM --platform=${TARGETPLATFORM} scratch\n', expect: [[1, 'Setting platform to predefined ${TARGETPLATFORM} in FROM is redundant as this is the default behavior']] }],
    clean: ['FROM --platform=$BUILDPLATFORM scratch\n', 'FROM scratch\n', 'FROM --platform=${TARGETOS}/${TARGETARCH} scratch\n'],
  },
  SecretsUsedInArgOrEnv: {
    fires: [{ text: 'FROM scratch\nARG GITHUB_TOKEN\n', expect: [[2, 'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")']] },
      { text: 'FROM scratch\nENV DB_PASSWORD=x aws_secret_access=y\n', expect: [[2, 'Do not use ARG or ENV instructions for sensitive data (ENV "DB_PASSWORD")'], [2, 'Do not use ARG or ENV instructions for sensitive data (ENV "aws_secret_access")']] }],
    clean: ['FROM scratch\nARG PUBLIC_KEY\nENV TOKENIZER=x KEYBOARD=y PASSWORD_FILE=/run/p TOKEN_VERSION=2\n', 'ARG PASSWORD\nFROM scratch\n'],
  },
  InvalidDefaultArgInFrom: {
    fires: [{ text: 'ARG TAG\nFROM busybox:${TAG}\n', expect: [[2, 'Default value for ARG busybox:${TAG} results in empty or invalid base image name']] },
      { text: 'ARG IMAGE\nFROM $IMAGE\n', expect: [[2, 'Default value for ARG $IMAGE results in empty or invalid base image name']] },
      // a --build-arg does not help: the defaults alone must make a name
      { text: 'ARG IMAGE\nFROM $IMAGE\n', opts: { buildArgs: { IMAGE: 'busybox' } }, expect: [[2, 'Default value for ARG $IMAGE results in empty or invalid base image name']] }],
    clean: ['ARG TAG=latest\nFROM busybox:${TAG}\n', 'ARG TAG\nFROM busybox:${TAG:-latest}\n', 'FROM scratch\n'],
  },
  FromPlatformFlagConstDisallowed: {
    fires: [{ text: 'FROM --platform=linux/amd64 scratch AS build\n', expect: [[1, 'FROM --platform flag should not use constant value "linux/amd64"']] }],
    clean: ['FROM --platform=linux/amd64 scratch AS build-amd64\n', 'FROM --platform=$BUILDPLATFORM scratch\n', 'FROM --platform=linux scratch\n'],
  },
  CopyIgnoredFile: {
    fires: [{ text: 'FROM scratch\nCOPY secret.txt /x\n', opts: { dockerignore: 'secret.txt\n' }, expect: [[2, 'Attempting to Copy file "secret.txt" that is excluded by .dockerignore']] },
      { text: 'FROM scratch\nADD ./node_modules/x /x\n', opts: { dockerignore: 'node_modules\n' }, expect: [[2, 'Attempting to Add file "node_modules/x" that is excluded by .dockerignore']] },
      { text: 'FROM scratch\nCOPY . /x\n', opts: { dockerignore: '*\n' }, expect: [[2, 'Attempting to Copy file "." that is excluded by .dockerignore']] }],
    clean: [{ text: 'FROM scratch\nCOPY app /x\n', opts: { dockerignore: 'secret.txt\n' }, expect: [] },
      { text: 'FROM scratch\nCOPY . /x\n', opts: { dockerignore: 'secret.txt\n' }, expect: [] },
      { text: 'FROM scratch AS b\nFROM scratch\nCOPY --from=b secret.txt /x\n', opts: { dockerignore: 'secret.txt\n' }, expect: [] },
      // exclusions: BuildKit leaves the check out
      { text: 'FROM scratch\nCOPY secret.txt /x\n', opts: { dockerignore: 'secret.txt\n!keep\n' }, expect: [] },
      { text: 'FROM scratch\nCOPY secret.txt /x\n', expect: [] }] as Case[],
  },
  InvalidDefinitionDescription: {
    fires: [{ text: EXP + '# a comment\nFROM scratch AS base\n', expect: [[3, 'Comment for FROM should follow the format: `# base <description>`']] },
      { text: EXP + 'FROM scratch\n# the version\nARG VERSION=1\n', expect: [[4, 'Comment for ARG should follow the format: `# VERSION <description>`']] },
      { text: EXP + 'FROM scratch\n# two\nARG A=1 B=2\n', expect: [[4, 'Comment for ARG should follow the format: `# <arg_key> <description>`']] }],
    clean: [EXP + '# base is the first stage\nFROM scratch AS base\n# VERSION of the app\nARG VERSION=1\n',
      EXP + '# not a description\n#\nFROM scratch AS base\n', EXP + '# a comment\nFROM scratch\n', EXP + 'FROM scratch\n# B then\nARG A=1 B=2\n',
      '# a comment\nFROM scratch AS base\n'],
  },
  ExposeProtoCasing: {
    fires: [{ text: 'FROM scratch\nEXPOSE 80/TCP 53/Udp\n', expect: [[2, "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase"], [2, "Defined protocol '53/Udp' in EXPOSE instruction should be lowercase"]] }],
    clean: ['FROM scratch\nEXPOSE 80 443/tcp 53/udp 8000-8010/tcp\n'],
  },
  ExposeInvalidFormat: {
    fires: [{ text: 'FROM scratch\nEXPOSE 127.0.0.1:80:80\n', expect: [[2, "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'"]] },
      { text: 'FROM scratch\nARG P=8080:80\nEXPOSE $P\n', expect: [[3, "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'"]] }],
    clean: ['FROM scratch\nEXPOSE 80 443/tcp\n', 'FROM scratch\nARG P=80\nEXPOSE $P\n'],
  },
};

test('every BuildKit check has cases here', () => {
  assert.deepEqual(Object.keys(CASES).sort(), BUILDKIT_RULES.map((r) => r.code).sort());
});

for (const [code, { fires, clean }] of Object.entries(CASES)) {
  test(`${code} fires with BuildKit's message and line`, () => {
    for (const c of fires) assert.deepEqual(findingsOf(code, c), c.expect, c.text);
  });
  test(`${code} stays silent on files correct for it`, () => {
    for (const c of clean) {
      const cs: Case = typeof c === 'string' ? { text: c, expect: [] } : c;
      assert.deepEqual(findingsOf(code, cs), [], cs.text);
    }
  });
}

test('a clean multi-stage Dockerfile has no BuildKit findings at all', () => {
  const text = [
    '# syntax=docker/dockerfile:1', '# check=error=true', 'ARG GO_VERSION=1.22', '',
    'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build', 'ARG TARGETOS', 'ARG TARGETARCH', 'WORKDIR /src',
    'COPY go.mod go.sum ./', 'RUN --mount=type=cache,target=/root/.cache go mod download', 'COPY . .',
    'RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .', '',
    'FROM scratch', 'COPY --from=build /out/app /app', 'USER 65532:65532', 'EXPOSE 8080/tcp',
    'HEALTHCHECK CMD ["/app", "health"]', 'ENTRYPOINT ["/app"]', '',
  ].join('\n');
  const r = lintDockerfile(text, { file: 'Dockerfile', dockerignore: '.git\n*.md\n' });
  assert.deepEqual(r.findings, []);
  assert.equal(r.failBuild, false);
});
