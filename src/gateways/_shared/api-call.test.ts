import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callApi, networkError, scrubbed, shownUrl } from './api-call.js';

const io = (fetchImpl: typeof fetch, signal = new AbortController().signal) => ({ fetch: fetchImpl, signal });

describe('callApi', () => {
  it('sends method, headers and body, never follows redirects, and reads JSON when the body is JSON', async () => {
    const seen: RequestInit[] = [];
    const answer = await callApi(
      'https://api.example/v1/things',
      { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"a":1}' },
      io(async (_url, init) => {
        seen.push(init ?? {});
        return new Response('{"id":"t_1"}', { status: 201 });
      }),
    );
    assert.deepEqual(answer, { kind: 'answer', status: 201, text: '{"id":"t_1"}', json: { id: 't_1' } });
    assert.equal(seen[0]?.redirect, 'manual');
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.body, '{"a":1}');
    assert.deepEqual(seen[0]?.headers, { authorization: 'Bearer k' });
  });

  it('keeps any status and leaves json undefined for a body that is not JSON', async () => {
    const answer = await callApi(
      'https://api.example/',
      { method: 'GET', headers: {} },
      io(async () => new Response('<html>moved</html>', { status: 302 })),
    );
    assert.deepEqual(answer, { kind: 'answer', status: 302, text: '<html>moved</html>', json: undefined });
  });

  it('answers unreachable with the socket error, and says when the caller timed it out', async () => {
    const refused = await callApi(
      'https://api.example/',
      { method: 'GET', headers: {} },
      io(async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      }),
    );
    assert.deepEqual(refused, { kind: 'unreachable', timedOut: false, detail: 'fetch failed: ECONNREFUSED' });
    const controller = new AbortController();
    const late = await callApi(
      'https://api.example/',
      { method: 'GET', headers: {} },
      io(async () => {
        controller.abort();
        throw new DOMException('aborted', 'AbortError');
      }, controller.signal),
    );
    assert.equal(late.kind === 'unreachable' && late.timedOut, true);
  });
});

describe('api-call words', () => {
  it('networkError reads undici causes and plain values', () => {
    assert.equal(networkError(new Error('boom')), 'boom');
    assert.equal(networkError('text'), 'text');
  });

  it('scrubbed redacts every secret given and keeps the words short and on one line', () => {
    assert.equal(
      scrubbed('key sk_1 and tok_2\nbad', ['sk_1', 'tok_2', '']),
      'key [redacted] and [redacted] bad',
    );
    assert.equal(scrubbed('x'.repeat(200), []).length, 161);
  });

  it('shownUrl drops user info, query and fragment', () => {
    assert.equal(shownUrl('https://user:pw@api.example/base/?k=1#f'), 'https://api.example/base/');
  });
});
