import { adyenPlatform } from './adyen/platform.js';
import { lyraPlatform } from './lyra/platform.js';
import { molliePlatform } from './mollie/platform.js';
import { paypalPlatform } from './paypal/platform.js';
import { payplugPlatform } from './payplug/platform.js';
import type { PlatformFactory } from './platform.js';
import { sipsPlatform } from './sips/platform.js';
import { standardWebhooksPlatform } from './standard-webhooks/platform.js';
import { stripePlatform } from './stripe/platform.js';
import { talerPlatform } from './taler/platform.js';
import { trivenetoPlatform } from './triveneto/platform.js';

/** Every simulated gateway `quittance demo --gateway <id>` and the e2e tests can drive, by adapter id. */
export const PLATFORMS: Readonly<Record<string, PlatformFactory>> = {
  adyen: adyenPlatform,
  lyra: lyraPlatform,
  paypal: paypalPlatform,
  mollie: molliePlatform,
  payplug: payplugPlatform,
  sips: sipsPlatform,
  stripe: stripePlatform,
  'standard-webhooks': standardWebhooksPlatform,
  taler: talerPlatform,
  triveneto: trivenetoPlatform,
};
