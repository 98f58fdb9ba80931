import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { currencyExponent, money } from '../../core/index.js';
import { formatTalerAmount, parseTalerAmount } from './amount.js';

describe('taler amounts', () => {
  it('formats minor units as CUR:value without needless zeros', () => {
    assert.equal(formatTalerAmount(money(1250, 'EUR')), 'EUR:12.5');
    assert.equal(formatTalerAmount(money(1200, 'EUR')), 'EUR:12');
    assert.equal(formatTalerAmount(money(1, 'KUDOS')), 'KUDOS:0.01');
    assert.equal(formatTalerAmount(money(0, 'EUR')), 'EUR:0');
    assert.equal(formatTalerAmount(money(1200, 'JPY')), 'JPY:1200');
    assert.equal(formatTalerAmount(money(1005, 'KWD')), 'KWD:1.005');
  });

  it('parses the amounts the backend writes', () => {
    assert.deepEqual(parseTalerAmount('EUR:12.5'), money(1250, 'EUR'));
    assert.deepEqual(parseTalerAmount('EUR:12.50000000'), money(1250, 'EUR'));
    assert.deepEqual(parseTalerAmount('KUDOS:0.01'), money(1, 'KUDOS'));
    assert.deepEqual(parseTalerAmount('EUR:10'), money(1000, 'EUR'));
    assert.deepEqual(parseTalerAmount('JPY:1200'), money(1200, 'JPY'));
    assert.deepEqual(parseTalerAmount('EUR:0'), money(0, 'EUR'));
  });

  it('refuses what does not fit our minor units or is not an amount', () => {
    for (const bad of [
      'EUR:0.001',
      'JPY:1.5',
      'EUR:12.123456789',
      'EUR:',
      'EUR:.5',
      'EUR:5.',
      'EUR:-1',
      'EUR:1e3',
      ' EUR:1',
      'EUR:1 ',
      'eur:1',
      'EU:1',
      'ABCDEFGHIJKL:1',
      ':1',
      'EUR',
      'EUR:9007199254740993',
      'EUR:4503599627370497',
    ]) {
      const parsed = parseTalerAmount(bad);
      assert.equal(typeof parsed, 'string', `${bad} is refused`);
    }
    assert.equal(typeof parseTalerAmount(12.5), 'string');
    assert.equal(typeof parseTalerAmount(null), 'string');
  });

  it('round-trips every amount of minor units (property)', () => {
    const currency = fc.constantFrom('EUR', 'JPY', 'KWD', 'KUDOS', 'CHF', 'TESTKUDOS');
    fc.assert(
      fc.property(currency, fc.integer({ min: 0, max: 2 ** 40 }), (cur, value) => {
        const text = formatTalerAmount(money(value, cur));
        assert.match(text, /^[A-Z]+:\d+(\.\d{1,8})?$/);
        assert.deepEqual(parseTalerAmount(text), money(value, cur));
      }),
    );
  });

  it('reads trailing zeros and refuses sub-minor digits (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('EUR', 'KUDOS', 'KWD', 'JPY'),
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 4 }),
        (cur, value, extraDigit, zeros) => {
          const exponent = currencyExponent(cur);
          const base = formatTalerAmount(money(value, cur));
          const [integer = '', fraction = ''] = base.split(':')[1]?.split('.') ?? [];
          const padded = fraction.padEnd(exponent, '0');
          const withZeros = `${cur}:${integer}.${padded}${'0'.repeat(zeros)}`;
          if (exponent + zeros <= 8 && exponent + zeros > 0) {
            assert.deepEqual(parseTalerAmount(withZeros), money(value, cur));
          }
          if (exponent < 8) {
            const tooFine = `${cur}:${integer}.${padded}${extraDigit}`;
            assert.equal(typeof parseTalerAmount(tooFine), 'string');
          }
        },
      ),
    );
  });
});
