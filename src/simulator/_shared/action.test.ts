import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { FormDecodeError } from '../../gateways/_shared/form-codec.js';
import { FaultError } from '../faults.js';
import { parseShopperAction, readShopperChoice } from './action.js';
import { sendJson } from './http.js';
import { closeServer, listen } from './listen.js';

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

describe('simulator readShopperChoice', () => {
  it('answers the refusals itself (400 bad JSON or fault, 404, 400 scenario, 409) and hands over a valid choice', async (t) => {
    const txns = new Map([
      ['open', { scenario: null as string | null }],
      ['done', { scenario: 'paid' as string | null }],
    ]);
    const chosen: unknown[] = [];
    const server = createServer(async (req, res) => {
      const choice = await readShopperChoice(req, res, {
        find: (id) => txns.get(id),
        scenarios: ['paid', 'refused'] as const,
        noun: 'link',
      });
      if (choice) {
        chosen.push(choice);
        sendJson(res, 200, { ok: true });
      }
    });
    const url = await listen(server);
    t.after(() => closeServer(server));
    const post = async (body: string) => {
      const response = await fetch(url, { method: 'POST', body });
      return { status: response.status, json: (await response.json()) as { error?: { message: string } } };
    };
    assert.equal((await post('{')).status, 400);
    assert.equal((await post('{"txn":"open","scenario":"paid","faults":[{"kind":"boom"}]}')).status, 400);
    const unknown = await post('{"txn":"nope","scenario":"paid"}');
    assert.deepEqual([unknown.status, unknown.json.error?.message], [404, 'unknown link']);
    const badScenario = await post('{"txn":"open","scenario":"stolen"}');
    assert.deepEqual(
      [badScenario.status, badScenario.json.error?.message],
      [400, 'scenario must be one of paid, refused'],
    );
    const over = await post('{"txn":"done","scenario":"paid"}');
    assert.deepEqual([over.status, over.json.error?.message], [409, 'this link is already over']);
    assert.deepEqual(chosen, []);
    const ok = await post('{"txn":"open","scenario":"refused","faults":[{"kind":"duplicate"}]}');
    assert.equal(ok.status, 200);
    assert.deepEqual(chosen, [
      { txn: txns.get('open'), scenario: 'refused', faults: [{ kind: 'duplicate' }] },
    ]);
  });
});
