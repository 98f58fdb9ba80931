import { z } from 'zod';

export const SIPS_SEAL_ALGORITHMS = ['HMAC-SHA-256', 'SHA-256'] as const;
export type SipsSealAlgorithm = (typeof SIPS_SEAL_ALGORITHMS)[number];

export const SIPS_ENVIRONMENTS = ['simu', 'test', 'prod'] as const;
export type SipsEnvironment = (typeof SIPS_ENVIRONMENTS)[number];

/**
 * Paypage POST hosts (shared/protocols.md §1): `payment-webinit.{simu.|test.|}sips-services.com`, which replaced the
 * `*.sips-atos.com` hosts on 30/06/2021. SIMU from wl-sips/sips-paypage-post-php `Common/redirectionForm.php`
 * (`https://payment-webinit.simu.sips-services.com/paymentInit`); TEST and PROD from the Sips PHP library README
 * (worldline/Sips-International-non-FR-PHPlibrary `README.md`, updated copy).
 */
export const SIPS_PAYPAGE_HOSTS: Readonly<Record<SipsEnvironment, string>> = {
  simu: 'https://payment-webinit.simu.sips-services.com',
  test: 'https://payment-webinit.test.sips-services.com',
  prod: 'https://payment-webinit.sips-services.com',
};

/**
 * Sips Office (JSON web services) hosts. PROD `office-server.sips-services.com` and the TEST pattern
 * `office-server.test.sips-services.com` from docs.sips.worldline-solutions.com/en/data-dictionary/office/
 * cardvalidateauthenticationandorder.html (shared/protocols.md §1). The SIMU host follows the same pattern but is
 * [UNCONFIRMED]: set `officeBase` when in doubt.
 */
export const SIPS_OFFICE_HOSTS: Readonly<Record<SipsEnvironment, string>> = {
  simu: 'https://office-server.simu.sips-services.com',
  test: 'https://office-server.test.sips-services.com',
  prod: 'https://office-server.sips-services.com',
};

const httpUrl = z.url({ protocol: /^https?$/ });

// Strict so that a misspelt option fails at config load instead of being ignored.
export const sipsCredentialsSchema = z.strictObject({
  /** The 15-digit shop id (the simulation one is 002001000000001, published in the Worldline SDK READMEs). */
  merchantId: z.string().regex(/^[0-9A-Za-z]{1,15}$/, 'merchantId is the Sips shop id (up to 15 characters)'),
  /** The secret key of `keyVersion`, from the Sips download extranet. */
  secretKey: z.string().min(1, 'secretKey is the secret key of keyVersion'),
  keyVersion: z
    .string()
    .regex(/^\d{1,10}$/, 'keyVersion is a number')
    .default('1'),
  /** What the shop's seal uses; Sips seals its responses the same way (legacy SHA-256 when not HMAC). */
  sealAlgorithm: z.enum(SIPS_SEAL_ALGORITHMS).default('HMAC-SHA-256'),
  environment: z.enum(SIPS_ENVIRONMENTS).default('simu'),
  /** Overrides the Paypage host (`<apiBase>/paymentInit`), e.g. to point at a simulator. */
  apiBase: httpUrl.optional(),
  /** Overrides the Sips Office host (`<officeBase>/rs-services/v2/...`), e.g. to point at a simulator. */
  officeBase: httpUrl.optional(),
});

export type SipsCredentials = z.infer<typeof sipsCredentialsSchema>;

export const SIPS_SECRET_FIELDS = ['secretKey'] as const satisfies readonly (keyof SipsCredentials)[];

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function sipsPaypageUrl(credentials: SipsCredentials): string {
  return `${trimSlash(credentials.apiBase ?? SIPS_PAYPAGE_HOSTS[credentials.environment])}/paymentInit`;
}

export function sipsOfficeBase(credentials: SipsCredentials): string {
  return trimSlash(credentials.officeBase ?? SIPS_OFFICE_HOSTS[credentials.environment]);
}
