import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLyraSignatureValid, lyraSignature, signedString } from './signature.js';

/** PayZen's "Calculer la signature" example (also an eopayment unit test). */
const PUBLISHED = {
  vads_action_mode: 'INTERACTIVE',
  vads_amount: '1524',
  vads_ctx_mode: 'TEST',
  vads_currency: '978',
  vads_page_action: 'PAYMENT',
  vads_payment_config: 'SINGLE',
  vads_site_id: '12345678',
  vads_trans_date: '20090501193530',
  vads_trans_id: '654321',
  vads_version: 'V2',
};
const KEY = '1122334455667788';

describe('Lyra signature', () => {
  it('builds the published signed string', () => {
    assert.equal(
      signedString(PUBLISHED, KEY),
      'INTERACTIVE+1524+TEST+978+PAYMENT+SINGLE+12345678+20090501193530+654321+V2+1122334455667788',
    );
  });

  it('gives the published SHA-1 and HMAC-SHA-256 signatures', () => {
    assert.equal(lyraSignature(PUBLISHED, KEY, 'sha1'), '606b369759fac4f0864144c803c73676cbe470ff');
    assert.equal(
      lyraSignature(PUBLISHED, KEY, 'hmac-sha-256'),
      'O1ycab+xOkAmToSWeEE2hj39aAKCQ2IxGK+JxKv8iUI=',
    );
  });

  it('sorts by name whatever the order given, and ignores fields outside vads_', () => {
    const shuffled = Object.fromEntries(Object.entries(PUBLISHED).reverse());
    assert.equal(
      signedString({ ...shuffled, signature: 'x', other: 'y', VADS_X: 'z' }, KEY),
      signedString(PUBLISHED, KEY),
    );
  });

  it('lets empty values contribute a separator', () => {
    assert.equal(signedString({ vads_b: '', vads_a: '1', vads_c: '' }, 'k'), '1+++k');
    assert.notEqual(
      lyraSignature({ ...PUBLISHED, vads_order_info: '' }, KEY, 'sha1'),
      lyraSignature(PUBLISHED, KEY, 'sha1'),
    );
  });

  it('sorts in ASCII order, not locale order', () => {
    // '_' (0x5F) sorts before 'a' (0x61); a locale compare would put vads_ab first.
    assert.equal(signedString({ vads_ab: '2', vads_a_b: '1', vads_B: '0' }, 'k'), '0+1+2+k');
  });

  it('checks a signature against fields and key', () => {
    assert.equal(
      isLyraSignatureValid(PUBLISHED, '606b369759fac4f0864144c803c73676cbe470ff', KEY, 'sha1'),
      true,
    );
    assert.equal(
      isLyraSignatureValid(PUBLISHED, '606b369759fac4f0864144c803c73676cbe470ff', KEY, 'hmac-sha-256'),
      false,
    );
    assert.equal(
      isLyraSignatureValid(PUBLISHED, '606b369759fac4f0864144c803c73676cbe470ff', 'other', 'sha1'),
      false,
    );
    assert.equal(
      isLyraSignatureValid(
        { ...PUBLISHED, vads_amount: '1525' },
        'O1ycab+xOkAmToSWeEE2hj39aAKCQ2IxGK+JxKv8iUI=',
        KEY,
        'hmac-sha-256',
      ),
      false,
    );
  });
});
