import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate, type PeerCertificate, rootCertificates } from 'node:tls';
import type { DoctorStep } from '../types.js';
import { elapsed, seconds, startTimer } from './timing.js';

/** Why the certificate or the handshake would make a gateway give up. */
export type TlsFailure =
  | 'incomplete-chain'
  | 'self-signed'
  | 'expired'
  | 'not-yet-valid'
  | 'hostname'
  | 'untrusted'
  | 'handshake'
  | 'timeout';

export interface TlsResult {
  readonly step: DoctorStep;
  readonly failure?: TlsFailure;
  /** Node's verification error code (UNABLE_TO_VERIFY_LEAF_SIGNATURE…) or the handshake error's. */
  readonly code?: string;
}

/** A certificate expiring sooner than this is a warning: renewal has probably failed. */
export const EXPIRY_WARNING_DAYS = 14;

const DAY_MS = 86_400_000;

/**
 * Node's verification error codes (OpenSSL's X509_V_ERR names) and what they mean for a notification URL.
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE is what a client sees when the server sends its leaf certificate without the
 * intermediate one: browsers often repair that by fetching the intermediate (AIA), gateways' HTTP clients do not.
 */
const FAILURES: Readonly<Record<string, TlsFailure>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'incomplete-chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'incomplete-chain',
  UNABLE_TO_GET_ISSUER_CERT: 'incomplete-chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname',
};

export interface TlsInput {
  readonly address: string;
  readonly port: number;
  /** The URL's host name: sent as SNI and checked against the certificate. */
  readonly hostname: string;
  readonly extraCa: readonly string[];
  readonly timeoutMs: number;
  readonly now: Date;
}

/** The CA option for a TLS client: Node's default list, plus `extraCa` when given. */
export function caOption(extraCa: readonly string[]): { ca?: string[] } {
  return extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {};
}

/**
 * One TLS handshake that does not stop at a bad certificate (rejectUnauthorized: false) so that everything can be
 * reported: Node still verifies the chain and the host name and tells why it would have refused.
 */
export function checkTls(input: TlsInput): Promise<TlsResult> {
  const start = startTimer();
  return new Promise((resolve) => {
    const socket = connect({
      host: input.address,
      port: input.port,
      ...(isIP(input.hostname) === 0 ? { servername: input.hostname } : {}),
      ...caOption(input.extraCa),
      // Node still checks the chain and the host name (servername, else the address) and says why it would refuse.
      rejectUnauthorized: false,
    });
    const done = (result: TlsResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        done({
          step: {
            name: 'tls',
            ok: false,
            durationMs: elapsed(start),
            detail: `no TLS handshake within ${seconds(input.timeoutMs)}`,
          },
          failure: 'timeout',
          code: 'ETIMEDOUT',
        }),
      input.timeoutMs,
    );
    socket.once('secureConnect', () => {
      const protocol = socket.getProtocol() ?? 'unknown';
      const cert = socket.getPeerCertificate(true);
      const code = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN');
      const facts = certificateFacts(cert, input.now);
      const data = { protocol, authorized: socket.authorized, ...(code ? { code } : {}), ...facts };
      if (code !== undefined) {
        const failure = FAILURES[code] ?? 'untrusted';
        done({
          step: {
            name: 'tls',
            ok: false,
            durationMs: elapsed(start),
            detail: `${protocol}, certificate refused (${code}): ${failureWords(failure, input.hostname, facts)}`,
            data,
          },
          failure,
          code,
        });
        return;
      }
      const warnings: string[] = [];
      if (facts.daysLeft !== undefined && facts.daysLeft < EXPIRY_WARNING_DAYS) {
        warnings.push(
          `the certificate expires in ${facts.daysLeft} day(s) (${facts.validTo}): check that its renewal works`,
        );
      }
      done({
        step: {
          name: 'tls',
          ok: true,
          durationMs: elapsed(start),
          detail:
            `${protocol}, chain complete and trusted, certificate valid for ${input.hostname} until ${facts.validTo}` +
            ` (${facts.daysLeft} days left)${warnings.length > 0 ? `; WARNING: ${warnings.join('; ')}` : ''}`,
          data: { ...data, warnings },
        },
      });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'UNKNOWN';
      const failure = FAILURES[code] ?? 'handshake';
      done({
        step: {
          name: 'tls',
          ok: false,
          durationMs: elapsed(start),
          detail: `TLS handshake failed (${code}): ${error.message}`,
          data: { code },
        },
        failure,
        code,
      });
    });
  });
}

interface CertificateFacts {
  readonly subject?: string;
  readonly issuer?: string;
  readonly altNames?: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  readonly daysLeft?: number;
  /** Subjects from the leaf up, as Node reports the chain (completed from the trusted roots where it could). */
  readonly chain: readonly string[];
}

function certificateFacts(cert: DetailedPeerCertificate, now: Date): CertificateFacts {
  if (!cert || Object.keys(cert).length === 0) return { chain: [] };
  const validTo = cert.valid_to ? new Date(cert.valid_to) : undefined;
  return {
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    ...(cert.subjectaltname ? { altNames: cert.subjectaltname } : {}),
    ...(cert.valid_from ? { validFrom: new Date(cert.valid_from).toISOString() } : {}),
    ...(validTo ? { validTo: validTo.toISOString() } : {}),
    ...(validTo ? { daysLeft: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS) } : {}),
    chain: chainOf(cert),
  };
}

function chainOf(cert: DetailedPeerCertificate): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = cert;
  while (current && Object.keys(current).length > 0 && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    out.push(nameOf(current.subject) ?? '(no subject)');
    current = current.issuerCertificate;
  }
  return out;
}

function nameOf(name: PeerCertificate['subject'] | undefined): string | undefined {
  if (!name) return undefined;
  const cn = name.CN;
  const o = name.O;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return first(cn) ?? first(o);
}

function failureWords(failure: TlsFailure, hostname: string, facts: CertificateFacts): string {
  switch (failure) {
    case 'incomplete-chain':
      return 'the server does not send its intermediate certificate (incomplete chain)';
    case 'self-signed':
      return 'the certificate is self-signed, trusted by no public CA';
    case 'expired':
      return `the certificate expired on ${facts.validTo ?? 'an earlier date'}`;
    case 'not-yet-valid':
      return `the certificate is not valid before ${facts.validFrom ?? 'a later date'}`;
    case 'hostname':
      return `the certificate is not for ${hostname} (it names ${facts.altNames ?? facts.subject ?? 'another host'})`;
    default:
      return 'the certificate is not trusted';
  }
}
