import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretKey, signatureMatches, signStandardWebhook } from './signature.js';

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: Buffer.from('{"test": 2432232314}'),
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('standard-webhooks signature', () => {
  it('signs the published vector (protocols.md §6)', () => {
    const key = secretKey(VECTOR.secret);
    assert.ok(key);
    assert.equal(signStandardWebhook(key, VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
  });

  it('accepts any v1 entry of the list, skips other versions, refuses a near miss', () => {
    const key = secretKey(VECTOR.secret) as Buffer;
    const check = (header: string) =>
      signatureMatches(header, [key], VECTOR.id, VECTOR.timestamp, VECTOR.body);
    assert.ok(check(VECTOR.signature));
    assert.ok(check(`v1,bm90LWl0 v1a,xyz ${VECTOR.signature}`));
    assert.ok(!check(VECTOR.signature.replace('v1,', 'v1a,')));
    assert.ok(!check(`${VECTOR.signature.slice(0, -2)}A=`));
    assert.ok(!check(''));
  });

  it('reads whsec_ secrets strictly: base64 only, never empty', () => {
    assert.equal(secretKey('whsec_')?.byteLength, undefined);
    assert.equal(secretKey('whsec_not base64!'), undefined);
    assert.deepEqual(secretKey('whsec_QUJD'), Buffer.from('ABC'));
    assert.equal(secretKey('whsec_QUJ'), undefined);
  });
});
