import { connect } from 'node:net';
import type { DoctorStep } from '../types.js';
import { elapsed, seconds, startTimer } from './timing.js';

export interface TcpResult {
  readonly step: DoctorStep;
  /** Why the connection failed: an errno code (ECONNREFUSED…) or ETIMEDOUT when nothing answered in time. */
  readonly failure?: string;
}

/** Opens and closes one TCP connection to `address:port`, bounded by `timeoutMs`. */
export function checkTcp(address: string, port: number, timeoutMs: number): Promise<TcpResult> {
  const start = startTimer();
  const target = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (result: TcpResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        done({
          step: {
            name: 'tcp',
            ok: false,
            durationMs: elapsed(start),
            detail: `no answer from ${target} within ${seconds(timeoutMs)}: packets are dropped (firewall) or the host is down`,
            data: { address, port, code: 'ETIMEDOUT' },
          },
          failure: 'ETIMEDOUT',
        }),
      timeoutMs,
    );
    socket.once('connect', () =>
      done({
        step: {
          name: 'tcp',
          ok: true,
          durationMs: elapsed(start),
          detail: `connected to ${target}`,
          data: { address, port },
        },
      }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'UNKNOWN';
      done({
        step: {
          name: 'tcp',
          ok: false,
          durationMs: elapsed(start),
          detail: `cannot connect to ${target} (${code}): ${tcpWords(code)}`,
          data: { address, port, code },
        },
        failure: code,
      });
    });
  });
}

function tcpWords(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing listens on this port (web server stopped, or wrong port)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    case 'ECONNRESET':
      return 'the connection was cut at once (a firewall rejecting it)';
    default:
      return 'the connection failed';
  }
}
