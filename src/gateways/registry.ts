import { adyen } from './adyen/index.js';
import type { AnyGatewayAdapter } from './gateway.js';
import { lyra } from './lyra/index.js';
import { mollie } from './mollie/index.js';
import { paypal } from './paypal/index.js';
import { payplug } from './payplug/index.js';
import { sips } from './sips/index.js';
import { standardWebhooks } from './standard-webhooks/index.js';
import { stripe } from './stripe/index.js';
import { taler } from './taler/index.js';
import { triveneto } from './triveneto/index.js';

/** Every protocol quittance speaks. Adding a gateway = a folder under src/gateways + one line here. */
const ADAPTERS: Readonly<Record<string, AnyGatewayAdapter>> = {
  adyen,
  lyra,
  paypal,
  mollie,
  payplug,
  sips,
  stripe,
  'standard-webhooks': standardWebhooks,
  taler,
  triveneto,
};

export function gatewayIds(): string[] {
  return Object.keys(ADAPTERS);
}

export function findAdapter(id: string): AnyGatewayAdapter | undefined {
  return Object.hasOwn(ADAPTERS, id) ? ADAPTERS[id] : undefined;
}
