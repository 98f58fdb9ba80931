import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHttpUrl } from './http.js';

describe('simulator isHttpUrl', () => {
  it('takes absolute http(s) URLs only, within the length a gateway allows', () => {
    assert.equal(isHttpUrl('https://shop.example/return?x=1'), true);
    assert.equal(isHttpUrl('http://127.0.0.1:8080/notify/acc'), true);
    for (const bad of [
      'ftp://shop.example/',
      'javascript:alert(1)',
      '/relative',
      'not a url',
      '',
      42,
      undefined,
    ]) {
      assert.equal(isHttpUrl(bad), false, String(bad));
    }
    const long = `https://shop.example/${'a'.repeat(1010)}`;
    assert.equal(isHttpUrl(long), true);
    assert.equal(isHttpUrl(long, 1024), false);
  });
});
