import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorCode } from './errors.js';
import { ERROR_CODES, isQuittanceError, QuittanceError } from './errors.js';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

describe('error codes', () => {
  it('are UPPER_SNAKE_CASE with an HTTP error status and a sentence', () => {
    for (const code of CODES) {
      const { status, summary } = ERROR_CODES[code];
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, code);
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status}`);
      assert.ok(summary.length > 0 && summary.endsWith('.'), `${code}: ${summary}`);
    }
  });

  it('keep the published meaning of the codes other layers rely on', () => {
    const published: Partial<Record<ErrorCode, number>> = {
      INVALID_AMOUNT: 400,
      INVALID_CURRENCY: 400,
      SIGNATURE_MISSING: 401,
      SIGNATURE_MISMATCH: 401,
      IP_NOT_ALLOWED: 403,
      UNKNOWN_PAYMENT: 404,
      DUPLICATE_ORDER: 409,
      BODY_TOO_LARGE: 413,
      INTERNAL: 500,
      GATEWAY_UNAVAILABLE: 502,
      STORAGE_UNAVAILABLE: 503,
    };
    for (const [code, status] of Object.entries(published)) {
      assert.equal(ERROR_CODES[code as ErrorCode].status, status, code);
    }
  });
});

describe('QuittanceError', () => {
  it('carries code, status, message, details and cause', () => {
    const cause = new Error('disk full');
    const e = new QuittanceError('STORAGE_UNAVAILABLE', 'could not write', { table: 'inbox' }, { cause });
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'QuittanceError');
    assert.equal(e.code, 'STORAGE_UNAVAILABLE');
    assert.equal(e.status, 503);
    assert.equal(e.message, 'could not write');
    assert.deepEqual(e.details, { table: 'inbox' });
    assert.equal(e.cause, cause);
    assert.ok(e.stack?.includes('QuittanceError'));
  });

  it("defaults the message to the code's summary", () => {
    for (const code of CODES) {
      const e = new QuittanceError(code);
      assert.equal(e.message, ERROR_CODES[code].summary);
      assert.equal(e.status, ERROR_CODES[code].status);
      assert.equal(e.details, undefined);
    }
  });

  it('is recognised by isQuittanceError and nothing else is', () => {
    assert.equal(isQuittanceError(new QuittanceError('INTERNAL')), true);
    assert.equal(isQuittanceError(new Error('INTERNAL')), false);
    assert.equal(isQuittanceError({ code: 'INTERNAL', status: 500, name: 'QuittanceError' }), false);
    assert.equal(isQuittanceError(undefined), false);
    assert.equal(isQuittanceError('INTERNAL'), false);
  });
});
