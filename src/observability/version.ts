import { createRequire } from 'node:module';

/**
 * The package's version, from package.json. `../../package.json` is the package root both from
 * src/observability (tsx) and from dist/observability (the build), so one relative path serves both.
 */
export const PACKAGE_VERSION: string = (
  createRequire(import.meta.url)('../../package.json') as { version: string }
).version;
