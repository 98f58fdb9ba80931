import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormDecodeError } from '../../gateways/_shared/form-codec.js';
import { FaultError } from '../faults.js';
import { parseShopperAction } from './action.js';

describe('simulator shopper action', () => {
  it('reads JSON and the hosted-page form alike', () => {
    const json = parseShopperAction(
      Buffer.from(JSON.stringify({ txn: 't', scenario: 'paid', faults: [{ kind: 'drop' }] })),
      true,
    );
    const form = parseShopperAction(Buffer.from('txn=t&scenario=paid&fault=drop&delay_ms=30'), false);
    assert.deepEqual(json, { txn: 't', scenario: 'paid', faults: [{ kind: 'drop' }] });
    assert.deepEqual(form, {
      txn: 't',
      scenario: 'paid',
      faults: [{ kind: 'drop' }, { kind: 'delay', ms: 30 }],
    });
    assert.deepEqual(parseShopperAction(Buffer.from('42'), true), {
      txn: undefined,
      scenario: undefined,
      faults: [],
    });
  });

  it('throws SyntaxError, FormDecodeError or FaultError for what it cannot read', () => {
    assert.throws(() => parseShopperAction(Buffer.from('{'), true), SyntaxError);
    assert.throws(() => parseShopperAction(Buffer.from('a=%ZZ'), false), FormDecodeError);
    assert.throws(() => parseShopperAction(Buffer.from('{"faults":[{"kind":"boom"}]}'), true), FaultError);
  });
});
