import test from 'node:test';
import assert from 'node:assert/strict';
import { ByteSizeError, fromHumanSize, ramInBytes } from '../../src/common/byte-size.ts';

const KiB = 1024, MiB = 1024 ** 2, GiB = 1024 ** 3, TiB = 1024 ** 4, PiB = 1024 ** 5;
const KB = 1e3, MB = 1e6, GB = 1e9, TB = 1e12, PB = 1e15;

const isSizeError = (e: unknown) => e instanceof ByteSizeError && e.code === 'ERR_BAD_SIZE';

// go-units' size_test.go
test('RAMInBytes: binary multiples', () => {
  const ok: Array<[string, number]> = [
    ['32', 32], ['32b', 32], ['32B', 32], ['32k', 32 * KiB], ['32K', 32 * KiB], ['32kb', 32 * KiB], ['32Kb', 32 * KiB],
    ['32Kib', 32 * KiB], ['32KIB', 32 * KiB], ['32Mb', 32 * MiB], ['32Gb', 32 * GiB], ['32Tb', 32 * TiB], ['32Pb', 32 * PiB],
    ['32PB', 32 * PiB], ['32P', 32 * PiB], ['32.3', 32], ['32.3 mb', Math.trunc(32.3 * MiB)], ['0.3MB', Math.trunc(0.3 * MiB)],
    ['64m', 64 * MiB], ['1g', GiB], ['512k', 512 * KiB],
  ];
  for (const [s, want] of ok) assert.equal(ramInBytes(s), want, s);
  for (const s of ['', 'hello', '-32', ' 32 ', '32m b', '32bm']) assert.throws(() => ramInBytes(s), isSizeError, s);
});

test('FromHumanSize: decimal multiples', () => {
  const ok: Array<[string, number]> = [
    ['0', 0], ['0b', 0], ['0B', 0], ['0 B', 0], ['32', 32], ['32b', 32], ['32B', 32], ['32k', 32 * KB], ['32K', 32 * KB],
    ['32kb', 32 * KB], ['32Kb', 32 * KB], ['32Mb', 32 * MB], ['32Gb', 32 * GB], ['32Tb', 32 * TB], ['32Pb', 32 * PB],
    ['32.5kB', 32.5 * KB], ['32.5 kB', 32.5 * KB], ['32.5 B', 32], ['0.3 K', 300], ['.3kB', 300],
    ['0.', 0], ['0. ', 0], ['0.b', 0], ['0.B', 0], ['-0', 0], ['-0b', 0], ['-0B', 0], ['-0 b', 0], ['-0 B', 0],
    ['32.', 32], ['32.b', 32], ['32.B', 32], ['32. b', 32], ['32. B', 32], ['0 ', 0],
  ];
  for (const [s, want] of ok) assert.equal(fromHumanSize(s), want, s);
  const bad = [' 0', ' 0b', ' 0B', ' 0 B', '0b ', '0B ', '0 B ', '', 'hello', '..', '-1', '-1b', '-1B', '-1 b', '-1 B', '-32.5 kB',
    '32KBB', '32KiBB', '32 KBB', '32 KB B', '32 K B', '1.2.3', '3 bb', '32kbs', '32 x'];
  for (const s of bad) assert.throws(() => fromHumanSize(s), isSizeError, s);
});

test("go-units' two messages: the size, or the suffix", () => {
  assert.throws(() => ramInBytes('hello'), { message: "invalid size: 'hello'" });
  assert.throws(() => ramInBytes('10x'), { message: "invalid suffix: 'x'" });
  assert.throws(() => fromHumanSize('32KBB'), { message: "invalid suffix: 'kbb'" });
});
