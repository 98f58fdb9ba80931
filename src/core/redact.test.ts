import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  luhnValid,
  maskCardNumbers,
  REDACTED,
  redactHeaders,
  redactSecrets,
  redactText,
  secretForms,
} from './redact.js';

/** A Luhn-valid number of `length` digits: `body` completed with its check digit. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

const cardArb = fc
  .integer({ min: 13, max: 19 })
  .chain((length) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 }),
  )
  .map((digits) => withCheckDigit(digits.join('')));

/** Secrets from characters that never occur in `[redacted]`, so a match cannot be made by the replacement. */
const secretArb = fc.stringMatching(/^[A-Z0-9@/+=:_ -]{8,24}$/).filter((s) => s.trim().length >= 8);
const textArb = fc.string({ maxLength: 40 });

describe('redaction', () => {
  it('knows Luhn', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(luhnValid('79927398713'), true);
  });

  it('masks card numbers, plain or grouped, and leaves other numbers', () => {
    assert.equal(maskCardNumbers('pan=4111111111111111&x=1'), 'pan=411111…1111&x=1');
    assert.equal(maskCardNumbers('card 4111 1111 1111 1111.'), 'card 411111…1111.');
    assert.equal(maskCardNumbers('card 5500-0000-0000-0004'), 'card 550000…0004');
    assert.equal(maskCardNumbers('amount=4111111111111112'), 'amount=4111111111111112');
    assert.equal(maskCardNumbers('ref 123456789012'), 'ref 123456789012');
    assert.equal(maskCardNumbers('card=5555+5555+5555+4444&x=1'), 'card=555555…4444&x=1');
    assert.equal(maskCardNumbers('note=card%204012888888881881'), 'note=card%20401288…1881');
    assert.equal(maskCardNumbers('n=4012%208888%208888%201881'), 'n=401288…1881');
    assert.equal(maskCardNumbers('n=4012%2D8888%2d8888%2D1881'), 'n=401288…1881');
  });

  it('replaces secrets as they are, percent-encoded, form-encoded and in base64', () => {
    const secret = 'p@ss w/rd+';
    const b64 = Buffer.from(secret).toString('base64');
    const b64url = Buffer.from(secret).toString('base64url');
    const text = `a=${secret}&b=${encodeURIComponent(secret)}&c=${encodeURIComponent(secret).replace(/%20/g, '+')}&d=${b64}&e=${b64url}`;
    assert.equal(
      redactSecrets(text, [secret]),
      `a=${REDACTED}&b=${REDACTED}&c=${REDACTED}&d=${REDACTED}&e=${REDACTED}`,
    );
    assert.ok(secretForms(secret).includes(b64));
  });

  it('replaces credential headers whole and redacts the others', () => {
    const out = redactHeaders(
      {
        Authorization: 'Basic dXNlcjpwYXNz',
        cookie: 'qs=abc',
        'x-api-key': 'k',
        'proxy-authorization': 'x',
        'x-signature': 'sig TOPSECRETKEY',
        'content-type': 'text/plain',
      },
      ['TOPSECRETKEY'],
    );
    assert.deepEqual(out, {
      Authorization: REDACTED,
      cookie: REDACTED,
      'x-api-key': REDACTED,
      'proxy-authorization': REDACTED,
      'x-signature': `sig ${REDACTED}`,
      'content-type': 'text/plain',
    });
  });

  it('property: no secret, in any form, survives anywhere in a text', () => {
    fc.assert(
      fc.property(
        fc.array(secretArb, { minLength: 1, maxLength: 3 }),
        fc.array(textArb, { minLength: 2, maxLength: 6 }),
        (secrets, parts) => {
          const forms = secrets.flatMap(secretForms);
          const text = parts.join(forms[parts.length % forms.length] as string);
          const out = redactText(text, secrets);
          for (const secret of secrets) {
            for (const form of secretForms(secret)) {
              assert.ok(!out.includes(form), `${form} in ${out}`);
            }
          }
          assert.ok(!out.includes(secrets[0] as string));
        },
      ),
    );
  });

  it('property: a card number anywhere is masked to first six and last four', () => {
    fc.assert(
      fc.property(
        cardArb,
        fc.stringMatching(/^[a-z&=: ]{0,20}$/),
        fc.stringMatching(/^[a-z&=: ]{0,20}$/),
        (card, before, after) => {
          const out = redactText(`${before}${card}${after}`, []);
          assert.equal(out, `${before}${card.slice(0, 6)}…${card.slice(-4)}${after}`);
          assert.ok(!out.includes(card));
        },
      ),
    );
  });

  it('property: text without secrets or card numbers is unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z =&%]{0,60}$/), (text) => {
        assert.equal(redactText(text, ['ZZZZZZZZ']), text);
      }),
    );
  });
});
