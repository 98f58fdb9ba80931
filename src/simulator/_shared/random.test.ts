import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, mulberry32, randomDigits } from './random.js';

describe('simulator seeded randomness', () => {
  it('repeats with the same seed and keeps uuids unique and 32 lower-case hex', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    assert.deepEqual([a.uuid(), a.hex(10), a.digits(6)], [b.uuid(), b.hex(10), b.digits(6)]);
    const uuids = Array.from({ length: 2000 }, () => a.uuid());
    assert.equal(new Set(uuids).size, uuids.length);
    assert.ok(uuids.every((u) => /^[0-9a-f]{32}$/.test(u)));
    assert.notEqual(createRandom(1).uuid(), createRandom(2).uuid());
  });

  it('keeps tokens unique and gives digits and hex of the asked length', () => {
    const r = createRandom(7);
    const tokens = Array.from({ length: 500 }, () => r.token());
    assert.equal(new Set(tokens).size, tokens.length);
    assert.match(r.digits(9), /^[0-9]{9}$/);
    assert.match(r.hex(13), /^[0-9a-f]{13}$/);
    assert.match(randomDigits(mulberry32(3), 4), /^[0-9]{4}$/);
  });

  it('mulberry32 stays in [0, 1) and repeats per seed', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => b()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });
});
