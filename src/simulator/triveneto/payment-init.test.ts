import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForm, encodeForm } from '../../gateways/_shared/form-codec.js';
import { checkPaymentInit, type InitCheck, initErrorLine, minorUnits } from './payment-init.js';
import { initFields, TERMINAL } from './testkit.js';

const merchant = { notifyUrl: 'https://shop.example/notify', errorUrl: 'https://shop.example/error' };
const terminals = new Map([[TERMINAL.id, TERMINAL]]);
const check = (overrides: Readonly<Record<string, string | undefined>> = {}) =>
  checkPaymentInit(decodeForm(encodeForm(initFields(merchant, overrides))), terminals);
const refusal = (c: InitCheck) => (c.ok ? 'accepted' : initErrorLine(c));

describe('triveneto simulator: PaymentInit checks', () => {
  it('accepts a complete Purchase and keeps what the NotificationMessage echoes', () => {
    const c = check({ trackid: 'T-1', udf3: 'x' });
    assert.ok(c.ok);
    assert.deepEqual(
      {
        terminal: c.init.terminalId,
        action: c.init.action,
        amountMinor: c.init.amountMinor,
        trackid: c.init.trackid,
        udf: c.init.udf,
      },
      {
        terminal: TERMINAL.id,
        action: '1',
        amountMinor: 1250,
        trackid: 'T-1',
        udf: { udf1: 'pay_123', udf2: '1250 EUR', udf3: 'x', udf4: 'a'.repeat(64), udf5: '' },
      },
    );
  });

  it('answers !ERROR!<code>-<text> naming the problem, credentials before anything else', () => {
    const cases: ReadonlyArray<[Record<string, string | undefined>, RegExp]> = [
      [{ password: 'wrong' }, /^!ERROR!SIM001-Invalid terminal id or password$/],
      [{ id: 'nobody', amt: 'garbage' }, /^!ERROR!SIM001-/],
      [{ trackid: undefined }, /^!ERROR!SIM002-Missing required field \(trackid\)$/],
      [{ responseURL: undefined }, /^!ERROR!SIM002-.*\(responseURL\)$/],
      [{ action: '2' }, /^!ERROR!SIM003-Invalid action \(action\)$/],
      [{ amt: '12.5.0' }, /^!ERROR!SIM004-/],
      [{ amt: '12.505' }, /^!ERROR!SIM004-/],
      [{ amt: '0.00' }, /^!ERROR!SIM004-/],
      [{ currencycode: '999' }, /^!ERROR!SIM005-/],
      [{ langid: 'ENG' }, /^!ERROR!SIM006-/],
      [{ errorURL: 'ftp://shop.example/x' }, /^!ERROR!SIM007-Invalid URL \(errorURL\)$/],
    ];
    for (const [overrides, expected] of cases)
      assert.match(refusal(check(overrides)), expected, JSON.stringify(overrides));
  });

  it('refuses a repeated field', () => {
    const body = `${encodeForm(initFields(merchant))}&amt=99.00`;
    assert.match(
      refusal(checkPaymentInit(decodeForm(body), terminals)),
      /^!ERROR!SIM008-Field repeated \(amt\)$/,
    );
  });

  it('accepts Authorization (4) and defaults langid to ITA', () => {
    const c = check({ action: '4', langid: undefined });
    assert.ok(c.ok);
    assert.deepEqual([c.init.action, c.init.langid], ['4', 'ITA']);
  });

  it('reads amounts in the currency exponent', () => {
    assert.deepEqual(
      [
        minorUnits('12.50', 2),
        minorUnits('12.5', 2),
        minorUnits('12', 2),
        minorUnits('1250', 0),
        minorUnits('1.5', 0),
      ],
      [1250, 1250, 1200, 1250, undefined],
    );
  });
});
