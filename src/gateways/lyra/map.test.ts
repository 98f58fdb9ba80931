import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaymentStatus } from '../../core/index.js';
import { LYRA_STATUS_MAP, mapLyraStatus } from './map.js';

/** The mapping as the issue states it, written out again so the map is checked against it rather than itself. */
const EXPECTED: Readonly<Record<string, PaymentStatus>> = {
  AUTHORISED: 'authorized',
  CAPTURED: 'captured',
  ACCEPTED: 'authorized',
  AUTHORISED_TO_VALIDATE: 'authorized',
  PARTIALLY_AUTHORISED: 'authorized',
  WAITING_AUTHORISATION: 'pending',
  WAITING_AUTHORISATION_TO_VALIDATE: 'pending',
  UNDER_VERIFICATION: 'pending',
  INITIAL: 'pending',
  PRE_AUTHORISED: 'pending',
  WAITING_FOR_PAYMENT: 'pending',
  PENDING: 'pending',
  SUSPENDED: 'pending',
  REFUND_TO_RETRY: 'pending',
  REFUSED: 'refused',
  CAPTURE_FAILED: 'error',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
  ABANDONED: 'cancelled',
  NOT_CREATED: 'cancelled',
};

describe('Lyra status map', () => {
  it('maps exactly the known vads_trans_status values', () => {
    assert.deepEqual(Object.keys(LYRA_STATUS_MAP).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [word, status] of Object.entries(EXPECTED)) {
    it(`${word} → ${status}`, () => {
      assert.deepEqual(mapLyraStatus(word), { status });
    });
  }

  for (const word of ['SOMETHING_NEW', 'authorised', '', 'constructor', '__proto__', 'toString']) {
    it(`leaves the unknown value ${JSON.stringify(word)} pending for review`, () => {
      const mapped = mapLyraStatus(word);
      assert.equal(mapped.status, 'pending');
      assert.match(mapped.note ?? '', /does not know/);
      assert.match(mapped.note ?? '', /review/);
    });
  }
});
