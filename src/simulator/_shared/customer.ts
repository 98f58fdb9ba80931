import type { Fault } from '../faults.js';
import type { PayInput, Scenario } from '../platform.js';

/** What every simulated shopper is given: the checkout the merchant answered, what to do, which faults to ask. */
export interface CustomerPlan {
  /** The checkout quittance (or a test) built: method, url and fields. */
  readonly checkout: PayInput['checkout'];
  readonly scenario: Scenario;
  readonly faults?: readonly Fault[];
}

/** A step of the simulated shopper's journey answered with an error; `step` names it in the protocol's words. */
export class CustomerError extends Error {
  override readonly name = 'CustomerError';
  constructor(
    readonly step: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${step} answered ${status}: ${body.slice(0, 300)}`);
  }
}

/** One browser request that must succeed: its JSON answer, or CustomerError(step) with the status and body. */
export async function fetchJson<T>(step: string, url: string | URL, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, init);
  const body = await res.text();
  if (!res.ok) throw new CustomerError(step, res.status, body);
  return JSON.parse(body) as T;
}

/** POSTs the shopper's choice (`{ txn, scenario, faults }`) to the simulator's action endpoint, JSON both ways. */
export function postAction<T>(url: string | URL, action: object): Promise<T> {
  return fetchJson<T>('pay', url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(action),
  });
}

/** One browser request whose redirect is not followed: the answer's status and Location (the body is dropped). */
export async function land(
  url: string | URL,
  init: RequestInit = {},
): Promise<{ status: number; location: string | null }> {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  await res.body?.cancel();
  return { status: res.status, location: res.headers.get('location') };
}

export interface HostedPageVisit {
  readonly txn: string;
  readonly returnUrl: string;
  /** quittance's answer to the return (null when not followed). */
  readonly returnStatus: number | null;
  readonly location: string | null;
}

/**
 * A shopper's browser on a gateway whose checkout is a link (PayPlug, Mollie): follows it (GET, JSON asked, the
 * simulated page answers `{txn}`), posts the choice to the simulator's `actPath`, then comes back to the return URL
 * the simulator answers with a plain GET, as the gateway redirects it; nothing signed comes back.
 */
export async function payOnHostedPage(options: {
  readonly gateway: string;
  readonly actPath: string;
  readonly checkout: { readonly method: string; readonly url: string };
  readonly scenario: string;
  readonly faults?: readonly Fault[];
  readonly followReturn?: boolean;
}): Promise<HostedPageVisit> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  if (checkout.method.toUpperCase() !== 'GET') {
    throw new CustomerError(
      'checkout',
      0,
      `${options.gateway}'s checkout is a link (GET), not ${checkout.method}`,
    );
  }
  const { txn } = await fetchJson<{ txn: string }>('checkout', checkout.url, {
    headers: { accept: 'application/json' },
  });
  const { returnUrl } = await postAction<{ returnUrl: string }>(new URL(options.actPath, checkout.url), {
    txn,
    scenario,
    faults,
  });
  if (!followReturn) return { txn, returnUrl, returnStatus: null, location: null };
  const back = await land(returnUrl);
  return { txn, returnUrl, returnStatus: back.status, location: back.location };
}
