import { request as httpRequest, type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Probe } from '../probe.js';
import type { GatewayProfile } from '../profiles.js';
import type { DoctorStep } from '../types.js';
import { elapsed, seconds, startTimer } from './timing.js';
import { caOption } from './tls.js';

/** Bytes of the answer kept for the report; the rest is only counted, up to MAX_COUNTED_BYTES. */
const KEPT_BYTES = 64 * 1024;
const MAX_COUNTED_BYTES = 16 * 1024 * 1024;

export interface HttpAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly location?: string;
  readonly contentType?: string;
  /** The answer's beginning (KEPT_BYTES at most), decoded as UTF-8. */
  readonly text: string;
  /** Total size in bytes (counting stopped at MAX_COUNTED_BYTES). */
  readonly bytes: number;
  readonly latencyMs: number;
}

export type HttpOutcome =
  | HttpAnswer
  | { readonly kind: 'timeout'; readonly latencyMs: number; readonly gotHeaders: boolean }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

export interface HttpResult {
  readonly step: DoctorStep;
  readonly outcome: HttpOutcome;
}

export interface HttpInput {
  readonly url: URL;
  /** The resolved address to connect to (the URL's host is still sent as Host and SNI). */
  readonly address: string;
  readonly profile: GatewayProfile;
  readonly probe: Probe;
  readonly extraCa: readonly string[];
  readonly timeoutMs: number;
}

/**
 * One POST exactly as the gateway sends it: its content type and the probe body, no redirect followed (node:http
 * never follows), the whole exchange bounded by the gateway's timeout (connection, headers and body alike).
 */
export function sendProbe(input: HttpInput): Promise<HttpResult> {
  const { url, profile, probe, timeoutMs } = input;
  const start = startTimer();
  const https = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const body = Buffer.from(probe.body, 'utf8');
  const options = {
    host: input.address,
    port: url.port ? Number(url.port) : https ? 443 : 80,
    path: `${url.pathname}${url.search}`,
    method: profile.method,
    agent: false as const,
    headers: {
      ...probe.headers,
      host: url.host,
      'content-type': profile.contentType,
      'content-length': String(body.byteLength),
      'user-agent': profile.userAgent,
      accept: '*/*',
    },
    ...(https
      ? { ...(isIP(hostname) === 0 ? { servername: hostname } : {}), ...caOption(input.extraCa) }
      : {}),
  };
  return new Promise((resolve) => {
    let settled = false;
    let gotHeaders = false;
    const finish = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ step: stepOf(outcome, profile, timeoutMs, url), outcome });
    };
    const request = (https ? httpsRequest : httpRequest)(options, (response) => {
      gotHeaders = true;
      const kept: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        if (bytes < KEPT_BYTES) kept.push(chunk.subarray(0, KEPT_BYTES - bytes));
        bytes += chunk.byteLength;
        if (bytes >= MAX_COUNTED_BYTES) response.destroy();
      });
      const answered = () =>
        finish({
          kind: 'answer',
          status: response.statusCode ?? 0,
          ...headerFacts(response.headers),
          text: Buffer.concat(kept).toString('utf8'),
          bytes,
          latencyMs: elapsed(start),
        });
      response.once('end', answered);
      response.once('close', answered);
      response.once('error', answered);
    });
    const timer = setTimeout(
      () => finish({ kind: 'timeout', latencyMs: elapsed(start), gotHeaders }),
      timeoutMs,
    );
    request.once('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'error', code: error.code ?? 'UNKNOWN', message: error.message }),
    );
    request.end(body);
  });
}

function headerFacts(headers: IncomingHttpHeaders): { location?: string; contentType?: string } {
  return {
    ...(headers.location ? { location: headers.location } : {}),
    ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
  };
}

function stepOf(outcome: HttpOutcome, profile: GatewayProfile, timeoutMs: number, url: URL): DoctorStep {
  const what = `${profile.method} ${url.pathname}${url.search}`;
  switch (outcome.kind) {
    case 'timeout':
      return {
        name: 'http',
        ok: false,
        durationMs: outcome.latencyMs,
        detail: `${what}: no complete answer within ${seconds(timeoutMs)} (${outcome.gotHeaders ? 'the headers came, the body did not finish' : 'not even the status line came'})`,
        data: { timeoutMs, gotHeaders: outcome.gotHeaders },
      };
    case 'error':
      return {
        name: 'http',
        ok: false,
        durationMs: 0,
        detail: `${what}: the request failed (${outcome.code}): ${outcome.message}`,
        data: { code: outcome.code },
      };
    case 'answer': {
      const reason = STATUS_CODES[outcome.status] ?? '';
      const ok = outcome.status >= 200 && outcome.status <= 299;
      return {
        name: 'http',
        ok,
        durationMs: outcome.latencyMs,
        detail:
          `${what} answered ${outcome.status} ${reason}`.trimEnd() +
          ` in ${outcome.latencyMs} ms (the gateway waits ${seconds(timeoutMs)})` +
          (outcome.location ? `, Location: ${outcome.location}` : ''),
        data: {
          status: outcome.status,
          latencyMs: outcome.latencyMs,
          timeoutMs,
          ...(outcome.location ? { location: outcome.location } : {}),
          ...(outcome.contentType ? { contentType: outcome.contentType } : {}),
        },
      };
    }
  }
}
