import type { AnyGatewayAdapter } from './gateway.js';
import { lyra } from './lyra/index.js';
import { sips } from './sips/index.js';

/**
 * Every protocol quittance speaks. Adding a gateway = a folder under src/gateways + one line here.
 * src/gateways/triveneto is built and tested but not listed yet: its checkout needs a
 * server-to-server PaymentInit that the engine does not call yet (issue 4).
 */
const ADAPTERS: Readonly<Record<string, AnyGatewayAdapter>> = {
  lyra,
  sips,
};

export function gatewayIds(): string[] {
  return Object.keys(ADAPTERS);
}

export function findAdapter(id: string): AnyGatewayAdapter | undefined {
  return Object.hasOwn(ADAPTERS, id) ? ADAPTERS[id] : undefined;
}
