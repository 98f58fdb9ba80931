import type { GatewayAccount } from '../gateways/gateway.js';

/** Every diagnosis `quittance doctor` can give (issue 6): exactly one per probe. */
export const DOCTOR_CLASSES = [
  'ok',
  'dns',
  'connection',
  'tls',
  'redirect',
  'bad-request',
  'unauthorized',
  'forbidden',
  'not-found',
  'method-not-allowed',
  'server-error',
  'bad-gateway',
  'unavailable',
  'timeout',
  'html-answer',
  'oversize-answer',
  'unexpected-answer',
] as const;

export type DoctorClass = (typeof DOCTOR_CLASSES)[number];

export type StepName = 'dns' | 'tcp' | 'tls' | 'http' | 'answer';

/** One step of the probe, as reported. `data` holds the facts a program may want (addresses, certificate...). */
export interface DoctorStep {
  readonly name: StepName;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly detail: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface DoctorReport {
  /** The URL would work for the gateway: a notification sent there would be received and acknowledged. */
  readonly ok: boolean;
  readonly class: DoctorClass;
  readonly status?: number;
  readonly location?: string;
  /** What the class means and what to do, in plain words, for the gateway when one is given. */
  readonly explanation: string;
  readonly steps: readonly DoctorStep[];
  /** The gateway probed as, or null for a generic POST. */
  readonly gateway: string | null;
  readonly url: string;
  readonly timeoutMs: number;
}

export interface LookupAddress {
  readonly address: string;
  readonly family: number;
}

/** DNS resolution, injectable for tests: every address of `hostname`. */
export type Lookup = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface DoctorOptions {
  readonly url: string;
  /** A gateway id (src/gateways/registry.ts, or a probe-only profile such as adyen). */
  readonly gateway?: string | undefined;
  /** Overrides the gateway's timeout. */
  readonly timeoutMs?: number | undefined;
  /** A configured account: the test notification is then signed with its key, as the gateway would sign it. */
  readonly account?: GatewayAccount | undefined;
  readonly now?: Date | undefined;
  /** PEM roots trusted in addition to the default CA list (tests, private CAs). */
  readonly extraCa?: readonly string[] | undefined;
  readonly lookup?: Lookup | undefined;
}
