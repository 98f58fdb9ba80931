export * from './db.js';
export * from './dialect.js';
export * from './migrations/index.js';
export * from './repos/accounts.js';
export * from './repos/inbox.js';
export * from './repos/payments.js';
export * from './repos/sequences.js';
export * from './repos/signals.js';
export type { Database } from './schema.js';
