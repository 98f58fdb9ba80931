import { decodeForm, formToRecord } from '../../gateways/_shared/form-codec.js';
import { type Fault, parseFaults } from '../faults.js';

/** What the simulated shopper asked on the hosted page; txn and scenario are checked by the protocol's server. */
export interface ShopperAction {
  readonly txn: unknown;
  readonly scenario: unknown;
  readonly faults: Fault[];
}

/**
 * The shopper's action, from JSON (`{ txn, scenario, faults }`, what payAsCustomer posts; a body that is not an
 * object counts as {}) or from the hosted page's form (checkboxes named `fault` and an optional delay_ms). Throws
 * SyntaxError (bad JSON), FormDecodeError (bad form) or FaultError (bad fault list).
 */
export function parseShopperAction(body: Buffer, json: boolean): ShopperAction {
  return json ? jsonAction(body) : formAction(body);
}

function jsonAction(body: Buffer): ShopperAction {
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  return { txn: obj.txn, scenario: obj.scenario, faults: parseFaults(obj.faults) };
}

function formAction(body: Buffer): ShopperAction {
  const pairs = decodeForm(body);
  const record = formToRecord(pairs);
  const faults: unknown[] = pairs.filter((p) => p.name === 'fault').map((p) => ({ kind: p.value }));
  if (record.delay_ms) faults.push({ kind: 'delay', ms: Number(record.delay_ms) });
  return { txn: record.txn, scenario: record.scenario, faults: parseFaults(faults) };
}
