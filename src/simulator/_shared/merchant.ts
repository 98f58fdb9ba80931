/**
 * Test support (not part of the public API): the tiny merchant every simulator's testkit starts, a server that reads
 * each request whole, lets the testkit record it and decide the answer, and can be told to answer late.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { closeServer, listen } from './listen.js';

export interface MerchantAnswer {
  readonly status?: number;
  readonly body?: string;
  /** Extra headers; content-type is text/plain unless one is given here. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Answer only once this settles (a slow merchant). */
  readonly hold?: Promise<unknown>;
}

export interface MerchantServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  close(): Promise<void>;
}

/** `answer` sees every request with its whole body and path; the default answer is 200 with an empty body. */
export async function startMerchantServer(
  answer: (req: IncomingMessage, body: Buffer, path: string) => MerchantAnswer,
): Promise<MerchantServer> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const reply = answer(req, Buffer.concat(chunks), path);
    await reply.hold;
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
    res.end(reply.body ?? '');
  });
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}

/** A simulator bookkeeping header (x-simulator-…) as a string, null when absent. */
export function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

/** A numeric simulator bookkeeping header (x-simulator-attempt…), null when absent. */
export function numberHeaderOf(req: IncomingMessage, name: string): number | null {
  const value = headerOf(req, name);
  return value === null ? null : Number(value);
}
