import { findAdapter } from '../gateways/registry.js';
import {
  adyenProbe,
  genericProbe,
  lyraProbe,
  mollieProbe,
  type ProbeBuilder,
  paypalProbe,
  payplugProbe,
  sipsProbe,
  standardWebhooksProbe,
  stripeProbe,
  talerProbe,
  trivenetoProbe,
} from './probe.js';

/** What a 2xx answer's body says, for the gateway: a problem makes it `unexpected-answer`, a note is only advice. */
export interface AnswerVerdict {
  readonly problem?: string;
  readonly note?: string;
}

/** How one gateway calls a notification URL, and what it expects back. */
export interface GatewayProfile {
  /** Gateway id, or null for the generic probe. */
  readonly id: string | null;
  readonly name: string;
  readonly method: 'POST';
  readonly contentType: string;
  readonly timeoutMs: number;
  /** Where the timeout comes from, in words ("documented", "quittance's budget: not published"). */
  readonly timeoutSource: string;
  /** Published source ranges (CIDR), from the adapter's `sourceIps`; empty when none are published. */
  readonly sourceIps: readonly string[];
  readonly userAgent: string;
  /** Longer answers are `oversize-answer`; `why` says whose rule it is. */
  readonly answerLimit: { readonly chars: number; readonly why: string };
  /** The gateway counts a 3xx as delivered (and so never retries), although the POST never reaches the handler. */
  readonly redirectCountsAsDelivered: boolean;
  readonly checkAnswer?: (body: string) => AnswerVerdict;
  readonly buildProbe: ProbeBuilder;
}

/**
 * No gateway in this project documents the User-Agent of its notification calls ([UNCONFIRMED] for all of them,
 * shared/protocols.md): the probe names itself, so it can be found in access logs.
 */
const USER_AGENT = 'quittance-doctor/0.1';

/** quittance's advice where the gateway publishes no limit: gateways log only the beginning of an answer. */
const DEFAULT_LIMIT = {
  chars: 1024,
  why: "quittance's advice (the gateway publishes no limit): answer one short line; gateways keep only the beginning of the answer in their logs",
} as const;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const GENERIC_TIMEOUT_MS = 30_000;

/**
 * Triveneto's answer is plain text `REDIRECT=<absolute url>` (shared/protocols.md §4). A bare `REDIRECT=` is what
 * quittance answers about a payment it does not know, which the probe's is: accepted, with a note.
 */
export function checkTrivenetoAnswer(body: string): AnswerVerdict {
  const line = body.replace(/\s+$/, '');
  const trailing = line !== body ? ' (trailing white space after the line was ignored)' : '';
  if (/^REDIRECT=https?:\/\/[^\s<>"]+$/i.test(line) && URL.canParse(line.slice('REDIRECT='.length))) {
    return trailing ? { note: `answer accepted${trailing}` } : {};
  }
  if (line === 'REDIRECT=') {
    return {
      note:
        'the answer is "REDIRECT=" with no URL: that is right for the probe (a payment that does not exist), but a ' +
        "real payment's answer must name the page the customer goes to next",
    };
  }
  return {
    problem:
      'Consorzio Triveneto expects the answer to be exactly one plain-text line REDIRECT=<absolute http(s) URL> ' +
      '(the page where the gateway sends the customer); anything else leaves the customer stranded and the ' +
      'gateway counts the notification as failed',
  };
}

function checkAdyenAnswer(body: string): AnswerVerdict {
  return body.trim() === '[accepted]'
    ? {}
    : {
        note:
          'Adyen standard notifications are traditionally answered with the body [accepted]; newer Adyen webhooks accept ' +
          'any 2xx ([UNCONFIRMED] which rule applies, shared/protocols.md §6): answering [accepted] satisfies both',
      };
}

function adapterProfile(
  id: string,
  extra: Pick<GatewayProfile, 'contentType' | 'buildProbe'> & Partial<GatewayProfile>,
): GatewayProfile {
  const adapter = findAdapter(id);
  if (!adapter) throw new Error(`no adapter ${id}`);
  return {
    id,
    name: adapter.displayName,
    method: 'POST',
    timeoutMs: adapter.notifyTimeoutMs,
    timeoutSource: `the timeout quittance's ${id} adapter declares`,
    sourceIps: adapter.sourceIps,
    userAgent: USER_AGENT,
    answerLimit: DEFAULT_LIMIT,
    redirectCountsAsDelivered: false,
    ...extra,
  };
}

function buildProfiles(): Readonly<Record<string, GatewayProfile>> {
  return {
    lyra: adapterProfile('lyra', {
      contentType: FORM,
      buildProbe: lyraProbe,
      timeoutSource: 'documented by Lyra: the call counts as failed after 35 s',
      // shared/protocols.md §3. The French back-office guide says the first 200 bytes are kept: stay under 200.
      answerLimit: {
        chars: 512,
        why: 'Lyra reads only the first 512 characters of the answer (its French guide even says 200 bytes) and shows them in the transaction history',
      },
      // shared/protocols.md §3: success = 200…206 and 301, 302, 303, 307, 308.
      redirectCountsAsDelivered: true,
    }),
    sips: adapterProfile('sips', {
      contentType: FORM,
      buildProbe: sipsProbe,
      timeoutSource: 'not published by Worldline [UNCONFIRMED]: quittance assumes 30 s',
    }),
    triveneto: adapterProfile('triveneto', {
      contentType: FORM,
      buildProbe: trivenetoProbe,
      checkAnswer: checkTrivenetoAnswer,
      timeoutSource: "not published [UNCONFIRMED]: 20 s, what Nexi's successor protocol waits",
    }),
    payplug: adapterProfile('payplug', {
      contentType: JSON_TYPE,
      buildProbe: payplugProbe,
      timeoutSource: 'not published by PayPlug [UNCONFIRMED]: quittance assumes 10 s',
    }),
    mollie: adapterProfile('mollie', {
      contentType: FORM,
      buildProbe: mollieProbe,
      timeoutSource: 'not published by Mollie [UNCONFIRMED]: quittance assumes 10 s',
    }),
    paypal: adapterProfile('paypal', {
      contentType: FORM,
      buildProbe: paypalProbe,
      timeoutSource: 'documented by PayPal: 20 s for the answer to an IPN (30 s on resends)',
      // PayPal wants an empty HTTP 200 (IPNImplementation); only 200 stops its resends.
      userAgent: 'PayPal IPN ( https://www.paypal.com/ipn )',
    }),
    taler: adapterProfile('taler', {
      contentType: JSON_TYPE,
      buildProbe: talerProbe,
      timeoutSource:
        "not published for the merchant backend's webhooks [UNCONFIRMED]: quittance assumes 10 s",
    }),
    adyen: adapterProfile('adyen', {
      contentType: JSON_TYPE,
      buildProbe: adyenProbe,
      checkAnswer: checkAdyenAnswer,
      timeoutSource: "Adyen's 10 s (DESIGN.md, the ingest path), as quittance's adyen adapter declares",
    }),
    stripe: adapterProfile('stripe', {
      contentType: JSON_TYPE,
      buildProbe: stripeProbe,
      timeoutSource:
        'not published by Stripe [UNCONFIRMED]: quittance assumes 10 s (Stripe asks for a 2xx before any slow work)',
    }),
    'standard-webhooks': adapterProfile('standard-webhooks', {
      contentType: JSON_TYPE,
      buildProbe: standardWebhooksProbe,
      timeoutSource:
        'the Standard Webhooks spec suggests senders wait 15–30 s: quittance assumes the shorter',
    }),
  };
}

const PROFILES = buildProfiles();

export function profileIds(): string[] {
  return Object.keys(PROFILES);
}

/** The profile of `gateway`, the generic one when none is given, undefined for an unknown id. */
export function findProfile(gateway: string | undefined): GatewayProfile | undefined {
  if (gateway === undefined) return GENERIC;
  return Object.hasOwn(PROFILES, gateway) ? PROFILES[gateway] : undefined;
}

const GENERIC: GatewayProfile = {
  id: null,
  name: 'a generic gateway',
  method: 'POST',
  contentType: FORM,
  timeoutMs: GENERIC_TIMEOUT_MS,
  timeoutSource:
    'no gateway given: quittance assumes 30 s, a common notification timeout (use --gateway or --timeout)',
  sourceIps: [],
  userAgent: USER_AGENT,
  answerLimit: DEFAULT_LIMIT,
  redirectCountsAsDelivered: false,
  buildProbe: genericProbe,
};
