import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  readonly webhookId: string;
  readonly type: string;
  readonly paymentId: string;
  readonly status: string;
  readonly receivedAt: number;
}

export interface ChaosShop {
  readonly url: string;
  readonly events: ReceivedEvent[];
  /** Deliveries whose signature did not verify (must stay 0). */
  readonly forgedDeliveries: number;
  close(): Promise<void>;
}

/**
 * The shop's webhook endpoint, as a careful shop writes it: verify the Standard Webhooks
 * signature, then record the event. It answers 500 now and then, as real shops do, to keep
 * quittance's retries busy.
 */
export async function startChaosShop(
  secret: string,
  failureRate: number,
  random: () => number,
): Promise<ChaosShop> {
  const webhook = new Webhook(secret);
  const events: ReceivedEvent[] = [];
  let forged = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let payload: { type: string; data: { paymentId: string; status: string } };
    try {
      payload = webhook.verify(body, headers) as typeof payload;
    } catch {
      forged++;
      res.writeHead(400).end('bad signature');
      return;
    }
    if (random() < failureRate) {
      res.writeHead(500).end('shop hiccup');
      return;
    }
    events.push({
      webhookId: headers['webhook-id'] ?? '',
      type: payload.type,
      paymentId: payload.data.paymentId,
      status: payload.data.status,
      receivedAt: Date.now(),
    });
    res.writeHead(204).end();
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/quittance`,
    events,
    get forgedDeliveries() {
      return forged;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
