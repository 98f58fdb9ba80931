import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TR_ID, testAccount, webhook } from './fixtures/payments.js';
import { mollie } from './index.js';

const verify = (body: string, type?: string) => mollie.verifyNotification(testAccount, webhook(body, type));

describe('Mollie webhook body', () => {
  it('id=tr_… becomes a deferred check of that payment, claiming nothing', () => {
    assert.deepEqual(verify(`id=${TR_ID}`), {
      kind: 'deferred',
      resource: TR_ID,
      lookup: { gatewayRef: TR_ID },
    });
  });

  it('also without a content type, and with extra fields ignored (only id is read)', () => {
    const check = mollie.verifyNotification(testAccount, {
      ...webhook(`id=${TR_ID}&foo=bar`),
      headers: {},
    });
    assert.equal(check.kind, 'deferred');
  });

  it('refuses malformed bodies with a clear code', () => {
    const cases: ReadonlyArray<readonly [string, string | undefined, string, RegExp]> = [
      ['', undefined, 'MISSING_FIELD', /no id/],
      ['foo=bar', undefined, 'MISSING_FIELD', /no id/],
      ['id=', undefined, 'INVALID_FIELD', /not a Mollie payment id/],
      ['id=re_4qqhO89gsT', undefined, 'INVALID_FIELD', /tr_/],
      ['id=tr_abc%ZZ', undefined, 'MALFORMED_BODY', /percent-escape/],
      ['id=tr_%FF%FE', undefined, 'MALFORMED_BODY', /UTF-8/],
      [`id=${TR_ID}&id=tr_other`, undefined, 'MALFORMED_BODY', /more than once/],
      [`{"id":"${TR_ID}"}`, 'application/json', 'UNSUPPORTED_MEDIA_TYPE', /x-www-form-urlencoded/],
      ['id=tr_has space', undefined, 'INVALID_FIELD', /tr_/],
    ];
    for (const [body, type, code, reason] of cases) {
      const check = verify(body, type);
      assert.equal(check.kind, 'unparseable', body);
      if (check.kind !== 'unparseable') continue;
      assert.equal(check.code, code, body);
      assert.match(check.reason, reason, body);
    }
  });

  it('answers 200 to a stored webhook, 4xx to a refusal, 503 when nothing was stored', () => {
    assert.equal(mollie.reply({ kind: 'accepted', detail: 'stored' }).status, 200);
    const refused = mollie.reply({ kind: 'rejected', code: 'MISSING_FIELD', status: 400, detail: 'no id' });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /^KO MISSING_FIELD/);
    assert.equal(mollie.reply({ kind: 'unavailable', detail: 'db down' }).status, 503);
  });
});
