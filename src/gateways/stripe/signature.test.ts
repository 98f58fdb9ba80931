import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkStripeSignature, parseSignatureHeader, signatureHeader, stripeSignature } from './signature.js';

const BODY = new TextEncoder().encode('{"id":"evt_test","object":"event"}');
const T = 1_700_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe('Stripe-Signature', () => {
  it('matches the published vector (protocols.md §6): the whole whsec_ string is the key', () => {
    assert.equal(
      signatureHeader(['whsec_test_secret'], T, BODY),
      't=1700000000,v1=8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724',
    );
  });

  it('parses t and every v1, ignores v0 and unknown items, takes the last t', () => {
    assert.deepEqual(parseSignatureHeader('t=1,v1=aa,v0=bb,x=y,v1=cc,t=2'), {
      timestamp: 2,
      signatures: ['aa', 'cc'],
    });
    assert.equal(parseSignatureHeader(undefined), 'missing');
    assert.equal(parseSignatureHeader(''), 'missing');
    assert.equal(parseSignatureHeader('v1=aa'), 'no-timestamp');
    assert.equal(parseSignatureHeader('t=12abc,v1=aa'), 'no-timestamp');
    assert.equal(parseSignatureHeader('t=1'), 'no-v1');
    assert.equal(parseSignatureHeader('t=1,v1=,v1=aa'), 'empty-v1');
  });

  const check = (header: string | undefined, secrets: string[], nowSeconds: number, tolerance = 300) =>
    checkStripeSignature({ header, body: BODY, secrets, toleranceSeconds: tolerance, now: at(nowSeconds) });

  it('accepts a signature up to the tolerance old, refuses one a second older (TIMESTAMP_OUT_OF_TOLERANCE)', () => {
    const header = signatureHeader(['whsec_a'], T, BODY);
    assert.equal(check(header, ['whsec_a'], T + 300).ok, true);
    const stale = check(header, ['whsec_a'], T + 301);
    assert.ok(!stale.ok && stale.code === 'TIMESTAMP_OUT_OF_TOLERANCE', JSON.stringify(stale));
    assert.equal(check(header, ['whsec_a'], T + 10_000, 0).ok, true, 'tolerance 0 skips the check');
    assert.equal(
      check(header, ['whsec_a'], T - 10_000).ok,
      true,
      'a future timestamp passes, as in stripe-node',
    );
  });

  it('during a roll: a header signed with the previous secret only, or with both, passes; a stranger fails', () => {
    const previous = check(signatureHeader(['whsec_old'], T, BODY), ['whsec_new', 'whsec_old'], T);
    assert.deepEqual(previous, { ok: true, timestamp: T, secretIndex: 1 });
    assert.equal(check(signatureHeader(['whsec_new', 'whsec_old'], T, BODY), ['whsec_new'], T).ok, true);
    const stranger = check(signatureHeader(['whsec_x'], T, BODY), ['whsec_new', 'whsec_old'], T);
    assert.ok(!stranger.ok && stranger.code === 'SIGNATURE_MISMATCH');
  });

  it('says which part is missing', () => {
    for (const header of [undefined, 'v1=aa', 't=1']) {
      const result = check(header, ['whsec_a'], T);
      assert.ok(
        !result.ok && result.code === 'SIGNATURE_MISSING' && result.reason.length > 0,
        String(header),
      );
    }
  });

  it('never verifies a body other than the one signed, nor under another timestamp', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        (a, b, dt) => {
          const header = `t=${T + dt},v1=${stripeSignature('whsec_k', T, a)}`;
          const ok = checkStripeSignature({
            header,
            body: b,
            secrets: ['whsec_k'],
            toleranceSeconds: 0,
            now: at(T),
          }).ok;
          assert.equal(ok, dt === 0 && Buffer.from(a).equals(Buffer.from(b)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
