import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeEqual, sha1Hex } from './crypto.js';

describe('safeEqual', () => {
  it('is true only for identical values', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual(Buffer.from('abc'), 'abc'), true);
  });
});

describe('sha1Hex', () => {
  it('matches the known digest of "abc"', () => {
    assert.equal(sha1Hex('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});
