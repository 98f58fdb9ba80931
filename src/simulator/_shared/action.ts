import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeForm, formToRecord } from '../../gateways/_shared/form-codec.js';
import { type Fault, FaultError, parseFaults } from '../faults.js';
import { BodyTooLargeError, readBody, sendJson } from './http.js';

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

/** A transaction the shopper may act on once: `scenario` is null until then. */
export interface Actionable {
  readonly scenario: unknown;
}

export interface ShopperChoice<T, S extends string> {
  readonly txn: T;
  readonly scenario: S;
  readonly faults: Fault[];
}

/**
 * The JSON action `payAsCustomer` posts to an API-style simulator's act endpoint, checked against its transactions:
 * a known `txn` (404 otherwise), one of the protocol's `scenarios` (400), not acted on yet (409). Answers the error
 * itself (`{ error: { code: 'bad-field', field?, message } }`) and resolves undefined when the action is refused.
 */
export async function readShopperChoice<T extends Actionable, S extends string>(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    readonly find: (txn: string) => T | undefined;
    readonly scenarios: readonly S[];
    readonly noun: string;
  },
): Promise<ShopperChoice<T, S> | undefined> {
  let action: ShopperAction;
  try {
    action = parseShopperAction(await readBody(req), true);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendJson(res, 413, { error: { code: 'too-large', message: err.message } });
      return undefined;
    }
    if (err instanceof FaultError || err instanceof SyntaxError) {
      sendJson(res, 400, { error: { code: 'bad-field', message: err.message } });
      return undefined;
    }
    throw err;
  }
  const refuse = (status: number, field: string, message: string): undefined => {
    sendJson(res, status, { error: { code: 'bad-field', field, message } });
    return undefined;
  };
  const txn = typeof action.txn === 'string' ? options.find(action.txn) : undefined;
  if (!txn) return refuse(404, 'txn', `unknown ${options.noun}`);
  if (!(options.scenarios as readonly unknown[]).includes(action.scenario)) {
    return refuse(400, 'scenario', `scenario must be one of ${options.scenarios.join(', ')}`);
  }
  if (txn.scenario !== null) return refuse(409, 'txn', `this ${options.noun} is already over`);
  return { txn, scenario: action.scenario as S, faults: action.faults };
}
