import { z } from 'zod';
import { LYRA_ALGORITHMS } from './signature.js';

export const LYRA_BRANDS = ['lyra', 'payzen', 'systempay', 'sogecommerce'] as const;
export type LyraBrand = (typeof LYRA_BRANDS)[number];

const algorithm = z.enum(LYRA_ALGORITHMS);

/**
 * Base URL of each brand's REST API V4, the services' names appended (`Transaction/Get`, `Order/Get`). Source: Lyra's
 * own lyra/flask-embedded-form-examples `.env.example` ("REST server API URL" per brand: Lyra Collect
 * `https://api.lyra.com/api-payment/`, PayZen Europe `https://api.payzen.eu/api-payment/`, Systempay
 * `https://api.systempay.fr/api-payment/`, Sogecommerce `https://api-sogecommerce.societegenerale.eu/api-payment/`);
 * the `V4/<Service>` part from docs.lyra.com/en/rest/V4.0/api/playground/?ws=Transaction%2FValidate
 * (`POST https://api.lyra.com/api-payment/V4/Transaction/Validate`) and lyra/rest-php-sdk `Client::getUrlFromTarget`.
 */
export const LYRA_REST_URLS: Readonly<Record<LyraBrand, string>> = {
  lyra: 'https://api.lyra.com/api-payment/V4/',
  payzen: 'https://api.payzen.eu/api-payment/V4/',
  systempay: 'https://api.systempay.fr/api-payment/V4/',
  sogecommerce: 'https://api-sogecommerce.societegenerale.eu/api-payment/V4/',
};

// Strict so that a misspelt option (say `alsoAcceptAlgoritm`) fails at config load instead of being ignored.
export const lyraCredentialsSchema = z.strictObject({
  siteId: z.string().regex(/^\d{8}$/, 'siteId is the 8-digit shop id shown in the Back Office'),
  /** The TEST key for an account in test mode, the PRODUCTION key for a live one. */
  key: z.string().min(1, 'key is the TEST or PRODUCTION key from Settings > Shop > Keys'),
  algorithm: algorithm.default('hmac-sha-256'),
  /** Lyra accepts both algorithms for 24 h after a switch in the Back Office; while set, either verifies. */
  alsoAcceptAlgorithm: algorithm.optional(),
  brand: z.enum(LYRA_BRANDS).default('lyra'),
  /** Overrides the brand's payment page, e.g. to point at a simulator. */
  paymentUrl: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The REST API password of the account's mode (`testpassword_…` for test, `prodpassword_…` for live), from
   * Settings > Shops > REST API keys. Only the status API (reconciliation) needs it; without it nothing is polled.
   */
  restPassword: z
    .string()
    .min(1, 'restPassword is the REST API password (testpassword_… or prodpassword_…)')
    .optional(),
  /**
   * The REST API "HMAC-SHA-256 key" of the account's mode (Settings > Shops > REST API keys). It signs the `kr-answer`
   * the customer's browser posts back after an embedded-form payment (kr-hash-key `sha256_hmac`); the IPN is signed
   * with restPassword instead (docs.lyra.com/en/rest/V4.0/kb/payment_done.html). Without it such returns are refused.
   */
  hmacKey: z.string().min(1, 'hmacKey is the REST API HMAC-SHA-256 key').optional(),
  /** Overrides the brand's REST API V4 base URL (…/api-payment/V4/), e.g. to point at a simulator. */
  restUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type LyraCredentials = z.infer<typeof lyraCredentialsSchema>;

export const LYRA_SECRET_FIELDS = [
  'key',
  'restPassword',
  'hmacKey',
] as const satisfies readonly (keyof LyraCredentials)[];

/** The REST API V4 base URL the account asks, always ending in `/`. */
export function lyraRestUrl(credentials: LyraCredentials): string {
  const url = credentials.restUrl ?? LYRA_REST_URLS[credentials.brand];
  return url.endsWith('/') ? url : `${url}/`;
}
