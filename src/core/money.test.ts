import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QuittanceError } from './errors.js';
import {
  currencyExponent,
  currencyFromNumeric,
  currencyToNumeric,
  formatMajorUnits,
  formatMoney,
  isKnownCurrency,
  money,
  parseMajorUnits,
  sameMoney,
} from './money.js';

/** ISO-4217 facts written out independently of money.ts: alpha, numeric, exponent. */
const ISO: ReadonlyArray<readonly [string, string, number]> = [
  ['AUD', '036', 2],
  ['BHD', '048', 3],
  ['CHF', '756', 2],
  ['CLP', '152', 0],
  ['EUR', '978', 2],
  ['GBP', '826', 2],
  ['ISK', '352', 0],
  ['JOD', '400', 3],
  ['JPY', '392', 0],
  ['KRW', '410', 0],
  ['KWD', '414', 3],
  ['OMR', '512', 3],
  ['TND', '788', 3],
  ['USD', '840', 2],
  ['XOF', '952', 0],
  ['XPF', '953', 0],
];

function invalid(code: 'INVALID_AMOUNT' | 'INVALID_CURRENCY') {
  return (e: unknown) => e instanceof QuittanceError && e.code === code && e.status === 400;
}

describe('money()', () => {
  it('builds a frozen Money from an integer of minor units and a code', () => {
    const m = money(1250, 'EUR');
    assert.deepEqual(m, { value: 1250, currency: 'EUR' });
    assert.ok(Object.isFrozen(m));
  });

  it('accepts zero and the largest safe integer', () => {
    assert.equal(money(0, 'EUR').value, 0);
    assert.equal(money(Number.MAX_SAFE_INTEGER, 'JPY').value, Number.MAX_SAFE_INTEGER);
  });

  it('refuses fractions of a minor unit', () => {
    assert.throws(() => money(12.5, 'EUR'), invalid('INVALID_AMOUNT'));
    assert.throws(() => money(0.1, 'JPY'), invalid('INVALID_AMOUNT'));
  });

  it('refuses negatives', () => {
    assert.throws(() => money(-1, 'EUR'), invalid('INVALID_AMOUNT'));
    assert.throws(() => money(Number.MIN_SAFE_INTEGER, 'EUR'), invalid('INVALID_AMOUNT'));
  });

  it('refuses unsafe integers, NaN and infinities', () => {
    assert.throws(() => money(Number.MAX_SAFE_INTEGER + 1, 'EUR'), invalid('INVALID_AMOUNT'));
    assert.throws(() => money(2 ** 60, 'EUR'), invalid('INVALID_AMOUNT'));
    assert.throws(() => money(Number.NaN, 'EUR'), invalid('INVALID_AMOUNT'));
    assert.throws(() => money(Number.POSITIVE_INFINITY, 'EUR'), invalid('INVALID_AMOUNT'));
  });

  it('refuses malformed currency codes', () => {
    for (const bad of ['', 'eur', 'Eur', 'EU', 'E1R', '978', ' EUR', 'EUR ', 'EU-R', 'ABCDEFGHIJKLM']) {
      assert.throws(() => money(100, bad), invalid('INVALID_CURRENCY'), `"${bad}" should be refused`);
    }
  });

  it("accepts a gateway's own upper-case currency such as Taler's KUDOS", () => {
    assert.deepEqual(money(500, 'KUDOS'), { value: 500, currency: 'KUDOS' });
    assert.equal(isKnownCurrency('KUDOS'), false);
    assert.equal(currencyExponent('KUDOS'), 2);
  });

  it('checks the amount before the currency', () => {
    assert.throws(() => money(-1, 'eur'), invalid('INVALID_AMOUNT'));
  });
});

describe('sameMoney()', () => {
  it('compares value and currency', () => {
    assert.equal(sameMoney(money(100, 'EUR'), { value: 100, currency: 'EUR' }), true);
    assert.equal(sameMoney(money(100, 'EUR'), money(101, 'EUR')), false);
    assert.equal(sameMoney(money(100, 'EUR'), money(100, 'USD')), false);
  });
});

describe('currencies', () => {
  it('knows the ISO-4217 number and exponent of common currencies', () => {
    for (const [alpha, numeric, exponent] of ISO) {
      assert.equal(isKnownCurrency(alpha), true, alpha);
      assert.equal(currencyToNumeric(alpha), numeric, alpha);
      assert.equal(currencyExponent(alpha), exponent, alpha);
    }
  });

  it('round-trips numeric ↔ alphabetic codes', () => {
    for (const [alpha, numeric] of ISO) {
      assert.equal(currencyFromNumeric(numeric), alpha);
      const back = currencyToNumeric(alpha);
      assert.ok(back !== undefined);
      assert.equal(currencyFromNumeric(back), alpha);
    }
  });

  it('reads numeric codes sent without leading zeros', () => {
    assert.equal(currencyFromNumeric('36'), 'AUD');
    assert.equal(currencyFromNumeric('48'), 'BHD');
  });

  it('answers undefined for unknown codes', () => {
    assert.equal(currencyFromNumeric('999'), undefined);
    assert.equal(currencyFromNumeric(''), undefined);
    assert.equal(currencyFromNumeric('0978'), undefined);
    assert.equal(currencyToNumeric('KUDOS'), undefined);
    assert.equal(currencyToNumeric('eur'), undefined);
  });

  it('does not mistake inherited object properties for currencies', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.equal(isKnownCurrency(name), false, name);
      assert.equal(currencyToNumeric(name), undefined, name);
      assert.equal(currencyExponent(name), 2, name);
    }
  });
});

describe('formatMajorUnits()', () => {
  it('is the inverse of parseMajorUnits for every amount and exponent', () => {
    fc.assert(
      fc.property(
        // parseMajorUnits reads at most 15 integer digits.
        fc.integer({ min: 0, max: 10 ** 15 - 1 }),
        fc.constantFrom('EUR', 'JPY', 'KWD'),
        (value, currency) => {
          const text = formatMajorUnits(money(value, currency));
          assert.equal(parseMajorUnits(text, currency), value, text);
        },
      ),
      { numRuns: 2000 },
    );
    assert.equal(formatMajorUnits(money(5, 'EUR')), '0.05');
    assert.equal(formatMajorUnits(money(1200, 'JPY')), '1200');
  });
});

describe('formatMoney()', () => {
  it('formats EUR with two decimals', () => {
    assert.equal(formatMoney(money(1250, 'EUR')), '12.50 EUR');
    assert.equal(formatMoney(money(5, 'EUR')), '0.05 EUR');
    assert.equal(formatMoney(money(0, 'EUR')), '0.00 EUR');
    assert.equal(formatMoney(money(100, 'EUR')), '1.00 EUR');
    assert.equal(formatMoney(money(123456789, 'EUR')), '1234567.89 EUR');
  });

  it('formats JPY without decimals', () => {
    assert.equal(formatMoney(money(1200, 'JPY')), '1200 JPY');
    assert.equal(formatMoney(money(0, 'JPY')), '0 JPY');
  });

  it('formats KWD with three decimals', () => {
    assert.equal(formatMoney(money(1234, 'KWD')), '1.234 KWD');
    assert.equal(formatMoney(money(5, 'KWD')), '0.005 KWD');
    assert.equal(formatMoney(money(1000, 'KWD')), '1.000 KWD');
  });

  it('formats unknown currencies with two decimals', () => {
    assert.equal(formatMoney(money(150, 'KUDOS')), '1.50 KUDOS');
  });
});
