import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens (default 127.0.0.1, any free port) and gives the base URL, e.g. http://127.0.0.1:PORT (IPv6 bracketed). */
export async function listen(server: Server, host = '127.0.0.1', port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port: bound } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${bound}`;
}

/** Stops accepting, drops every open connection (keep-alive ones included) and resolves once closed. */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
