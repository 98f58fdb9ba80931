import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkAnswer, quittanceRefusal } from './checks/answer.js';
import type { HttpAnswer } from './checks/http.js';
import { genericProbe } from './probe.js';
import { findProfile, profileIds } from './profiles.js';
import { classOfStatus, diagnose, type Findings } from './report.js';
import { DOCTOR_CLASSES } from './types.js';

const NOW = new Date('2026-03-14T23:05:09.250Z');

function answer(status: number, text: string, extra: Partial<HttpAnswer> = {}): HttpAnswer {
  return { kind: 'answer', status, text, bytes: Buffer.byteLength(text), latencyMs: 5, ...extra };
}

function findings(gateway: string | undefined, http: HttpAnswer): Findings {
  const profile = findProfile(gateway);
  assert.ok(profile);
  return {
    profile,
    url: new URL('https://shop.example/notify/shop'),
    timeoutMs: profile.timeoutMs,
    probe: genericProbe(undefined, NOW),
    tls: { warnings: [] },
    http,
    answer: checkAnswer(http, profile),
  };
}

describe('doctor classification', () => {
  it('every HTTP status, for every gateway, gives one known class with an explanation in words', () => {
    const gateways = [undefined, ...profileIds()];
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.constantFrom(...gateways),
        fc.string({ maxLength: 300 }),
        (status, gateway, body) => {
          const d = diagnose(findings(gateway, answer(status, body)));
          assert.ok(DOCTOR_CLASSES.includes(d.class));
          assert.ok(d.explanation.length > 40);
          assert.equal(d.ok, d.class === 'ok');
          if (d.ok) assert.ok((status >= 200 && status <= 299) || (status >= 400 && status <= 499));
        },
      ),
    );
  });

  it('maps the statuses of the issue to their classes', () => {
    const expected: Record<number, string> = {
      200: 'ok',
      204: 'ok',
      301: 'redirect',
      302: 'redirect',
      307: 'redirect',
      308: 'redirect',
      400: 'bad-request',
      401: 'unauthorized',
      403: 'forbidden',
      404: 'not-found',
      405: 'method-not-allowed',
      500: 'server-error',
      502: 'bad-gateway',
      503: 'unavailable',
    };
    for (const [status, cls] of Object.entries(expected)) assert.equal(classOfStatus(Number(status)), cls);
  });

  it("counts quittance's own 4xx refusal of the probe as ok, except a wrong account or path", () => {
    const signature = diagnose(
      findings('lyra', answer(401, 'KO SIGNATURE_MISSING The notification has no signature')),
    );
    assert.equal(signature.class, 'ok');
    assert.match(signature.explanation, /reaches quittance/);
    const json = diagnose(
      findings('lyra', answer(400, '{"error":{"code":"VALIDATION_FAILED","message":"x"}}')),
    );
    assert.equal(json.class, 'ok');
    const account = diagnose(
      findings('lyra', answer(404, 'KO UNKNOWN_ACCOUNT no account "shop" is configured')),
    );
    assert.equal(account.class, 'not-found');
    // A look-alike that is not one of quittance's codes is judged by its status.
    assert.equal(diagnose(findings('lyra', answer(401, 'KO NOT_A_CODE'))).class, 'unauthorized');
    // A 5xx is never excused, even from quittance.
    assert.equal(
      diagnose(findings('lyra', answer(503, 'RETRY not stored, please retry'))).class,
      'unavailable',
    );
  });

  it('reads quittance refusals in both shapes only', () => {
    assert.equal(quittanceRefusal('KO SIGNATURE_MISMATCH bad'), 'SIGNATURE_MISMATCH');
    assert.equal(quittanceRefusal('{"error":{"code":"NOT_FOUND"}}'), 'NOT_FOUND');
    assert.equal(quittanceRefusal('OK received'), undefined);
    assert.equal(quittanceRefusal('{"error":"NOT_FOUND"}'), undefined);
    assert.equal(quittanceRefusal('{not json'), undefined);
  });

  it('judges 2xx answers: HTML, the Triveneto format, the size limits', () => {
    assert.equal(
      diagnose(findings(undefined, answer(200, '<HTML><body>hi</body></HTML>'))).class,
      'html-answer',
    );
    assert.equal(
      diagnose(findings('triveneto', answer(200, 'REDIRECT=https://shop.example/ok'))).class,
      'ok',
    );
    assert.equal(
      diagnose(findings('triveneto', answer(200, 'REDIRECT=https://shop.example/ok\r\n'))).class,
      'ok',
    );
    assert.equal(diagnose(findings('triveneto', answer(200, 'REDIRECT='))).class, 'ok');
    assert.equal(
      diagnose(findings('triveneto', answer(200, 'REDIRECT=/relative'))).class,
      'unexpected-answer',
    );
    assert.equal(diagnose(findings('triveneto', answer(200, 'OK'))).class, 'unexpected-answer');
    assert.equal(diagnose(findings('lyra', answer(200, 'x'.repeat(512)))).class, 'ok');
    assert.equal(diagnose(findings('lyra', answer(200, 'x'.repeat(513)))).class, 'oversize-answer');
    // Characters, not bytes: 400 two-byte characters are 800 bytes but within Lyra's 512 characters.
    assert.equal(diagnose(findings('lyra', answer(200, 'é'.repeat(400)))).class, 'ok');
    assert.equal(diagnose(findings('sips', answer(200, 'x'.repeat(1025)))).class, 'oversize-answer');
    // Beyond the part kept, only the byte count is known.
    assert.equal(diagnose(findings('sips', answer(200, 'x', { bytes: 5_000_000 }))).class, 'oversize-answer');
    // An HTML error page with a failure status is diagnosed by its status.
    assert.equal(
      diagnose(findings(undefined, answer(403, '<!doctype html><p>blocked</p>'))).class,
      'forbidden',
    );
  });

  it('explains redirects with the target, and Lyra counting them as delivered', () => {
    const d = diagnose(
      findings('lyra', answer(302, '', { location: 'https://www.shop.example/notify/shop' })),
    );
    assert.equal(d.class, 'redirect');
    assert.equal(d.location, 'https://www.shop.example/notify/shop');
    assert.match(d.explanation, /to the www\. host/);
    assert.match(d.explanation, /counts a 302 as delivered/);
    assert.match(d.explanation, /publicUrl/);
  });

  it('the first failing step decides', () => {
    const profile = findProfile('lyra');
    assert.ok(profile);
    const base = {
      profile,
      url: new URL('https://shop.example/notify/shop'),
      timeoutMs: 35_000,
      probe: genericProbe(undefined, NOW),
    };
    assert.equal(diagnose({ ...base, dnsFailed: 'ENOTFOUND' }).class, 'dns');
    assert.equal(diagnose({ ...base, tcpFailed: 'ECONNREFUSED' }).class, 'connection');
    const tls = diagnose({
      ...base,
      tls: { failure: 'incomplete-chain', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', warnings: [] },
    });
    assert.equal(tls.class, 'tls');
    assert.match(tls.explanation, /intermediate/);
    assert.match(tls.explanation, /EMPTY code/);
    assert.equal(
      diagnose({ ...base, http: { kind: 'timeout', latencyMs: 35_000, gotHeaders: false } }).class,
      'timeout',
    );
    assert.equal(
      diagnose({ ...base, http: { kind: 'error', code: 'ECONNRESET', message: 'socket hang up' } }).class,
      'connection',
    );
  });
});
