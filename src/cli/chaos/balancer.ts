import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Balancer {
  readonly url: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

/**
 * The load balancer in front of several chaos instances: round robin, and an instance that refuses
 * the connection (killed, restarting) is skipped for the next one, as a proxy with passive health
 * checks does. All refusing: 502, which the gateway and the customer treat as quittance being down.
 * Bodies are buffered (notifications and API calls are small); redirects are passed through.
 */
export async function startBalancer(
  host: string,
  port: number,
  upstreams: readonly string[],
): Promise<Balancer> {
  let next = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const start = next++;
    for (let k = 0; k < upstreams.length; k++) {
      const upstream = upstreams[(start + k) % upstreams.length] as string;
      let answer: Response;
      try {
        answer = await fetch(`${upstream}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers,
          redirect: 'manual',
          ...(body && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
        });
      } catch {
        continue; // refused or cut: try the next instance
      }
      const payload = Buffer.from(await answer.arrayBuffer());
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') out[name] = value;
      });
      res.writeHead(answer.status, out);
      res.end(payload);
      return;
    }
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('no instance answered');
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
