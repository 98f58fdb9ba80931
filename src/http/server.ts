import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections, lets requests in flight finish for up to `graceMs` (idle keep-alive
   * connections are closed as soon as they fall idle), then cuts whatever is left. 0: cut at once.
   */
  close(graceMs?: number): Promise<void>;
}

type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>;

/**
 * Listens on host:port (port 0 picks a free one) and resolves once the socket is bound. Takes a
 * fetch handler rather than an app so a caller may bind first and build the app once it knows its
 * own URL (the demo does: the gateway must be told where to call back).
 */
export function listen(fetch: FetchHandler, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        close: (graceMs = 0) =>
          new Promise<void>((done, fail) => {
            const http = server as unknown as {
              closeIdleConnections?: () => void;
              closeAllConnections?: () => void;
            };
            // A keep-alive connection that finished its request is not closed by close(): sweep the
            // idle ones until the last request in flight has been answered.
            const sweep = setInterval(() => http.closeIdleConnections?.(), 50);
            const cut = setTimeout(() => http.closeAllConnections?.(), graceMs);
            server.close((err) => {
              clearInterval(sweep);
              clearTimeout(cut);
              if (err) fail(err);
              else done();
            });
            if (graceMs <= 0) http.closeAllConnections?.();
            else http.closeIdleConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
