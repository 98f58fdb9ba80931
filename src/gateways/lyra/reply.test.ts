import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lyra } from './index.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('Lyra reply', () => {
  it('answers 200 OK to an accepted notification', () => {
    assert.deepEqual(lyra.reply({ kind: 'accepted', detail: 'stored inb_01' }), {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'OK stored inb_01',
    });
  });

  it('answers a rejection with its status and code', () => {
    const reply = lyra.reply({
      kind: 'rejected',
      code: 'SIGNATURE_MISMATCH',
      status: 401,
      detail: 'bad signature',
    });
    assert.equal(reply.status, 401);
    assert.equal(reply.body, 'KO SIGNATURE_MISMATCH bad signature');
  });

  it('never answers a rejection with a status Lyra counts as delivered', () => {
    for (const status of [200, 204, 302, 308, 0, 700]) {
      const reply = lyra.reply({ kind: 'rejected', code: 'SITE_MISMATCH', status, detail: 'x' });
      assert.equal(reply.status, 403, `asked for ${status}`);
    }
  });

  it('answers 503 RETRY when nothing could be stored', () => {
    const reply = lyra.reply({ kind: 'unavailable', detail: 'database locked' });
    assert.equal(reply.status, 503);
    assert.equal(reply.body, 'RETRY database locked');
  });

  it('keeps one line of text, without markup', () => {
    const reply = lyra.reply({ kind: 'accepted', detail: '<b>stored</b>\r\nSet-Cookie: x\u0000' });
    assert.equal(reply.body, 'OK bstored/b Set-Cookie: x');
  });

  it('cuts long details under 200 bytes on a character boundary', () => {
    const reply = lyra.reply({
      kind: 'rejected',
      code: 'MALFORMED_BODY',
      status: 400,
      detail: '€'.repeat(300),
    });
    assert.ok(bytes(reply.body) < 200);
    assert.ok(reply.body.startsWith('KO MALFORMED_BODY €€'));
    assert.ok(reply.body.endsWith('€…'));
    assert.ok(!reply.body.includes('\uFFFD'));
  });

  it('stays short, plain and valid UTF-8 whatever the detail', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('accepted', 'rejected', 'unavailable'),
        fc.string({ unit: 'binary', maxLength: 600 }),
        (kind, detail) => {
          const reply = lyra.reply(
            kind === 'rejected' ? { kind, code: 'INVALID_FIELD', status: 400, detail } : { kind, detail },
          );
          assert.ok(bytes(reply.body) < 200);
          assert.ok(!/[<>\r\n]/.test(reply.body));
          assert.ok(reply.status < 300 || reply.status >= 400);
          assert.equal(Buffer.from(reply.body, 'utf8').toString('utf8'), reply.body, 'no lone surrogate');
        },
      ),
    );
  });
});

describe('Lyra adapter', () => {
  it('publishes its delivery facts', () => {
    assert.equal(lyra.id, 'lyra');
    assert.deepEqual([...lyra.sourceIps], ['194.50.38.0/24']);
    assert.equal(lyra.notifyTimeoutMs, 35_000);
  });
});
