import { z } from 'zod';
import { LYRA_ALGORITHMS } from './signature.js';

export const LYRA_BRANDS = ['lyra', 'payzen', 'systempay', 'sogecommerce'] as const;
export type LyraBrand = (typeof LYRA_BRANDS)[number];

const algorithm = z.enum(LYRA_ALGORITHMS);

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
});

export type LyraCredentials = z.infer<typeof lyraCredentialsSchema>;

export const LYRA_SECRET_FIELDS = ['key'] as const satisfies readonly (keyof LyraCredentials)[];
