import { QuittanceError } from '../core/errors.js';
import { type AnswerFinding, checkAnswer } from './checks/answer.js';
import { checkDns, systemLookup } from './checks/dns.js';
import { type HttpOutcome, sendProbe } from './checks/http.js';
import { checkTcp } from './checks/tcp.js';
import { checkTls, type TlsResult } from './checks/tls.js';
import { findProfile, profileIds } from './profiles.js';
import { diagnose, type Findings } from './report.js';
import type { DoctorOptions, DoctorReport, DoctorStep } from './types.js';

/**
 * Probes a notification URL as a gateway would (DESIGN.md "Tools that face the other way"): DNS, TCP, TLS, one POST
 * of a harmless test notification in the gateway's format with its timeout and no redirect following, then the
 * answer. Never throws for what it finds; throws QuittanceError(VALIDATION_FAILED) for a bad URL or gateway.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const url = parseUrl(options.url);
  const gateway = options.gateway ?? options.account?.gateway;
  const profile = findProfile(gateway);
  if (!profile) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `unknown gateway "${gateway}" (known: ${profileIds().join(', ')})`,
    );
  }
  if (options.account && options.account.gateway !== profile.id) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `account ${options.account.id} is a ${options.account.gateway} account, not ${profile.id}`,
    );
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    throw new QuittanceError('VALIDATION_FAILED', 'the timeout must be a positive number of milliseconds');
  }
  const timeoutMs = options.timeoutMs ?? profile.timeoutMs;
  const now = options.now ?? new Date();
  const extraCa = options.extraCa ?? [];
  const probe = profile.buildProbe(options.account, now);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;

  const steps: DoctorStep[] = [];
  const findings: {
    -readonly [K in keyof Findings]: Findings[K];
  } = { profile, url, timeoutMs, probe };
  const report = (): DoctorReport => {
    const d = diagnose(findings);
    return {
      ok: d.ok,
      class: d.class,
      ...(d.status !== undefined ? { status: d.status } : {}),
      ...(d.location !== undefined ? { location: d.location } : {}),
      explanation: d.explanation,
      steps,
      gateway: profile.id,
      url: url.toString(),
      timeoutMs,
    };
  };

  const dns = await checkDns(hostname, options.lookup ?? systemLookup, timeoutMs);
  steps.push(dns.step);
  const address = dns.addresses[0]?.address;
  if (address === undefined) {
    findings.dnsFailed = String(dns.step.data?.code ?? 'no address');
    return report();
  }

  const tcp = await checkTcp(address, port, timeoutMs);
  steps.push(tcp.step);
  if (tcp.failure !== undefined) {
    findings.tcpFailed = tcp.failure;
    return report();
  }

  if (url.protocol === 'https:') {
    const tls: TlsResult = await checkTls({ address, port, hostname, extraCa, timeoutMs, now });
    steps.push(tls.step);
    findings.tls = {
      ...(tls.failure !== undefined ? { failure: tls.failure } : {}),
      ...(tls.code !== undefined ? { code: tls.code } : {}),
      warnings: (tls.step.data?.warnings as string[] | undefined) ?? [],
    };
    if (tls.failure !== undefined) return report();
  }

  const http = await sendProbe({ url, address, profile, probe, extraCa, timeoutMs });
  steps.push({
    ...http.step,
    data: { ...http.step.data, probe: probe.description, orderRef: probe.orderRef, signed: probe.signed },
  });
  findings.http = http.outcome;
  const answer = answerOf(http.outcome, profile);
  if (answer) {
    steps.push(answer.step);
    findings.answer = answer;
  }
  return report();
}

function answerOf(
  outcome: HttpOutcome,
  profile: Parameters<typeof checkAnswer>[1],
): AnswerFinding | undefined {
  return outcome.kind === 'answer' ? checkAnswer(outcome, profile) : undefined;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QuittanceError('VALIDATION_FAILED', `"${text}" is not an absolute URL (https://host/path)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new QuittanceError('VALIDATION_FAILED', `gateways call http(s) URLs, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'the URL carries a user name or password: gateways send no credentials, remove them',
    );
  }
  return url;
}
