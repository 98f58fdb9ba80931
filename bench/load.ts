/**
 * Load through autocannon, from this process. With several `urls` the phase is spread evenly: one
 * autocannon run per target, all at once, each with its share of the connections and (with `amount`)
 * of the requests, handing out bodies from one shared counter so every body still goes out once.
 */
import os from 'node:os';
import autocannon from 'autocannon';
import type { Child } from './child.js';

const FORM_TYPE = 'application/x-www-form-urlencoded';

export interface PhaseResult {
  readonly name: string;
  readonly sent: number;
  readonly completed: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly expectedStatus: number;
  readonly non2xx: number;
  /** Responses with another status than expected, plus errors. */
  readonly unexpected: number;
  readonly cpu: CpuShares;
  /** Responses per target, in the order of `LoadOptions.urls`. */
  readonly perTarget: readonly number[];
  /** process.hrtime in µs, to cut the phase out of a CPU profile. */
  readonly window: { readonly from: number; readonly to: number };
}

/** CPU time over a phase as a share of one core (1 = one core busy all along). */
export interface CpuShares {
  /** The server processes (all their threads, summed); undefined for the warm-ups. */
  readonly server: number | undefined;
  readonly serverMsPerRequest: number | undefined;
  /** This process: autocannon. */
  readonly loadGenerator: number;
  /** Everything else on the machine (other users' builds and tests skew a run: this shows it). */
  readonly others: number | undefined;
}

export interface LoadOptions {
  readonly name: string;
  /** One target, or several sharing the load evenly. */
  readonly urls: readonly string[];
  /** In total, over every target. */
  readonly connections: number;
  /** The bodies, each sent once (`amount`, in total), or cycled through for `duration` seconds. */
  readonly bodies: readonly Buffer[];
  readonly bound: { readonly amount: number } | { readonly duration: number };
  readonly expectedStatus: number;
  /** The server processes whose CPU time is measured over the phase. */
  readonly children?: readonly Child[] | undefined;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Busy CPU time of the whole machine so far, in ms (all cores). */
export function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

const hrMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Target i's part of `total` split over `parts` as evenly as whole numbers allow. */
export function shareOf(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

async function childrenCpuMs(children: readonly Child[] | undefined): Promise<number | undefined> {
  if (!children || children.length === 0) return undefined;
  const each = await Promise.all(children.map((c) => c.cpuMs()));
  return each.reduce((a, b) => a + b, 0);
}

export async function load(options: LoadOptions): Promise<PhaseResult> {
  const targets = options.urls.length;
  if (targets === 0) throw new Error('load: no target');
  if (options.connections < targets) {
    throw new Error(`load: ${options.connections} connections cannot cover ${targets} targets`);
  }
  let next = 0;
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const perTarget = options.urls.map(() => 0);
  const serverBefore = await childrenCpuMs(options.children);
  const selfBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  const from = hrMicros();
  const started = performance.now();
  let lastResponse = started;
  const runOne = (url: string, i: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const amount = 'amount' in options.bound ? shareOf(options.bound.amount, targets, i) : undefined;
      const bound = amount === undefined ? options.bound : { amount };
      const connections = Math.max(
        1,
        Math.min(amount ?? Number.POSITIVE_INFINITY, shareOf(options.connections, targets, i)),
      );
      const instance = autocannon(
        {
          url,
          method: 'POST',
          connections,
          pipelining: 1,
          timeout: 30,
          // autocannon ends a run at its next sample tick: 1 s by default, which would pad each phase
          // with up to a second of idling. The phase's time is taken to the last response anyway.
          sampleInt: 50,
          headers: { 'content-type': FORM_TYPE },
          ...bound,
          requests: [
            {
              // Called once per request actually written (autocannon builds a connection's first
              // request up front and every next one after the previous response), so with `amount`
              // every body goes out exactly once.
              setupRequest: (request) => {
                const body = options.bodies[next % options.bodies.length] as Buffer;
                next++;
                return { ...request, body };
              },
            },
          ],
        },
        (error: unknown, res: autocannon.Result) => (error ? reject(error) : resolve(res)),
      );
      // autocannon 9 emits ('response', client, statusCode, resBytes, responseTime): @types/autocannon
      // leaves out the client. responseTime is taken with process.hrtime, in ms, for every status (the
      // result's own latency histogram keeps only 2xx and has 1 ms resolution).
      (instance as unknown as NodeJS.EventEmitter).on('response', (...args: unknown[]) => {
        const [, statusCode, , responseTime] = args as [unknown, number, number, number];
        lastResponse = performance.now();
        latencies.push(responseTime);
        perTarget[i] = (perTarget[i] ?? 0) + 1;
        statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      });
    });
  const results = await Promise.all(options.urls.map(runOne));
  // From the start to the last response: the run's own end comes later (see sampleInt).
  const seconds = (lastResponse - started) / 1000;
  const to = hrMicros();
  const machine = machineBusyMs() - machineBefore;
  const self = process.cpuUsage(selfBefore);
  const selfMs = (self.user + self.system) / 1000;
  const serverAfter = await childrenCpuMs(options.children);
  const server =
    serverBefore !== undefined && serverAfter !== undefined ? serverAfter - serverBefore : undefined;
  latencies.sort((a, b) => a - b);
  const completed = latencies.length;
  const errors = results.reduce((sum, r) => sum + r.errors + r.timeouts, 0);
  const twoXx = Object.entries(statusCounts)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const wallMs = seconds * 1000;
  return {
    name: options.name,
    sent: next,
    completed,
    seconds,
    rps: completed / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
    statusCounts,
    expectedStatus: options.expectedStatus,
    non2xx: completed - twoXx,
    unexpected: completed - (statusCounts[options.expectedStatus] ?? 0) + errors,
    cpu: {
      server: server === undefined ? undefined : server / wallMs,
      serverMsPerRequest: server === undefined ? undefined : server / Math.max(1, completed),
      loadGenerator: selfMs / wallMs,
      others: server === undefined ? undefined : Math.max(0, machine - server - selfMs) / wallMs,
    },
    perTarget,
    window: { from, to },
  };
}
