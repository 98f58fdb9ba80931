import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { is2xx, postOnce } from './attempt.js';
import { startMerchantServer } from './merchant.js';

const never = new AbortController().signal;

describe('simulator attempt: one POST as a gateway makes it', () => {
  it('posts urlencoded by default, lets a content-type header replace it, and keeps the first 512 characters', async (t) => {
    const seen: string[] = [];
    const merchant = await startMerchantServer((req, body) => {
      seen.push(`${req.headers['content-type']} ${body.toString()}`);
      return { status: 201, body: 'x'.repeat(2000) };
    });
    t.after(() => merchant.close());
    const form = await postOnce(merchant.url, 'a=1', {}, 2_000, never);
    const json = await postOnce(
      merchant.url,
      '{}',
      { 'content-type': 'application/json' },
      2_000,
      never,
      1500,
    );
    assert.deepEqual(seen, ['application/x-www-form-urlencoded a=1', 'application/json {}']);
    assert.deepEqual([form.status, form.bodyStart.length, json.bodyStart.length], [201, 512, 1500]);
  });

  it('does not follow redirects, reports a timeout and a refused connection, and never throws', async (t) => {
    let slow: () => void = () => {};
    const merchant = await startMerchantServer((_req, _body, path) =>
      path === '/slow'
        ? { hold: new Promise<void>((resolve) => (slow = resolve)) }
        : { status: 302, headers: { location: '/elsewhere' } },
    );
    t.after(() => merchant.close());
    assert.equal((await postOnce(merchant.url, '', {}, 2_000, never)).status, 302);
    const late = await postOnce(`${merchant.url}/slow`, '', {}, 50, never);
    slow();
    assert.deepEqual([late.status, late.error, late.bodyStart], [undefined, 'timeout after 50 ms', '']);
    const gone = await startMerchantServer(() => ({}));
    await gone.close();
    assert.equal((await postOnce(gone.url, '', {}, 2_000, never)).error, 'ECONNREFUSED');
  });

  it('is2xx: 200 to 299 only', () => {
    assert.deepEqual([199, 200, 204, 299, 300, 302].map(is2xx), [false, true, true, true, false, false]);
  });
});
