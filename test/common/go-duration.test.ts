import test from 'node:test';
import assert from 'node:assert/strict';
import { GoDurationError, goDurationNs, parseGoDuration, tryGoDurationNs } from '../../src/common/go-duration.ts';

const ns = 1n, us = 1000n * ns, ms = 1000n * us, s = 1000n * ms, m = 60n * s, h = 60n * m;

// Go's own table (time_test.go, parseDurationTests)
const valid: Array<[string, bigint]> = [
  ['0', 0n], ['5s', 5n * s], ['30s', 30n * s], ['1478s', 1478n * s],
  ['-5s', -5n * s], ['+5s', 5n * s], ['-0', 0n], ['+0', 0n],
  ['5.0s', 5n * s], ['5.6s', 5n * s + 600n * ms], ['5.s', 5n * s], ['.5s', 500n * ms], ['1.0s', s], ['1.00s', s],
  ['1.004s', s + 4n * ms], ['1.0040s', s + 4n * ms], ['100.00100s', 100n * s + ms],
  ['10ns', 10n], ['11us', 11n * us], ['12\u00b5s', 12n * us], ['12\u03bcs', 12n * us], ['13ms', 13n * ms],
  ['14s', 14n * s], ['15m', 15n * m], ['16h', 16n * h],
  ['3h30m', 3n * h + 30n * m], ['10.5s4m', 4n * m + 10n * s + 500n * ms], ['-2m3.4s', -(2n * m + 3n * s + 400n * ms)],
  ['1h2m3s4ms5us6ns', h + 2n * m + 3n * s + 4n * ms + 5n * us + 6n], ['39h9m14.425s', 39n * h + 9n * m + 14n * s + 425n * ms],
  ['52763797000ns', 52763797000n], ['0.3333333333333333333h', 20n * m],
  ['9007199254740993ns', (1n << 53n) + 1n],
  ['9223372036854775807ns', (1n << 63n) - 1n], ['9223372036854775.807us', (1n << 63n) - 1n], ['9223372036s854ms775us807ns', (1n << 63n) - 1n],
  ['-9223372036854775808ns', -(1n << 63n)], ['-9223372036854775.808us', -(1n << 63n)], ['-9223372036s854ms775us808ns', -(1n << 63n)],
  ['-2562047h47m16.854775808s', -(1n << 63n)],
  ['0.100000000000000000000h', 6n * m], ['0.830103483285477580700h', 49n * m + 48n * s + 372539827n],
  // the forms this engine's callers rely on
  ['1h2m3.5s', h + 2n * m + 3n * s + 500n * ms], ['300ms', 300n * ms], ['1.5h', 90n * m], ['-1.5h', -90n * m],
];

// Go's parseDurationErrorTests: the quoted form in the message
const invalid: Array<[string, string]> = [
  ['', '""'], ['3', '"3"'], ['-', '"-"'], ['s', '"s"'], ['.', '"."'], ['-.', '"-."'], ['.s', '".s"'], ['+.s', '"+.s"'],
  ['1d', '"1d"'], ['\ufffd', '"\\xef\\xbf\\xbd"'], ['\ufffd hello \ufffd world', '"\\xef\\xbf\\xbd hello \\xef\\xbf\\xbd world"'],
  ['9223372036854775810ns', '"9223372036854775810ns"'], ['9223372036854775808ns', '"9223372036854775808ns"'],
  ['-9223372036854775809ns', '"-9223372036854775809ns"'], ['9223372036854776us', '"9223372036854776us"'], ['3000000h', '"3000000h"'],
  ['9223372036854775.808us', '"9223372036854775.808us"'], ['9223372036854ms775us808ns', '"9223372036854ms775us808ns"'],
];

test("Go's valid durations parse to Go's nanoseconds", () => {
  for (const [input, want] of valid) assert.equal(parseGoDuration(input), want, input);
});

test("Go's invalid durations fail with Go's quoted input", () => {
  for (const [input, quoted] of invalid) {
    assert.throws(() => parseGoDuration(input), (e: unknown) => e instanceof GoDurationError && e.code === 'ERR_BAD_DURATION' && e.message.endsWith(quoted), input);
  }
});

test("Go's three messages: invalid duration, missing unit, unknown unit", () => {
  assert.throws(() => parseGoDuration('1x5'), { message: 'time: unknown unit "x" in duration "1x5"' });
  assert.throws(() => parseGoDuration('3'), { message: 'time: missing unit in duration "3"' });
  assert.throws(() => parseGoDuration('1h.'), { message: 'time: invalid duration "1h."' });
  assert.throws(() => parseGoDuration('1"s'), { message: 'time: unknown unit "\\"s" in duration "1\\"s"' });
});

test('number and optional forms', () => {
  assert.equal(goDurationNs('1m30s'), 90e9);
  assert.equal(goDurationNs('1.5ns'), 1); // Go truncates fractions of a nanosecond
  assert.equal(tryGoDurationNs('10m'), 600e9);
  assert.equal(tryGoDurationNs('2024-01-01'), undefined);
  assert.equal(tryGoDurationNs('1700000000'), undefined);
});
