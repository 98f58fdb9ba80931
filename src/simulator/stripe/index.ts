export { payAsCustomer } from './customer.js';
export { RETRY_DELAYS_MS } from './notifier.js';
export { stripePlatform, stripeTruth } from './platform.js';
export { startStripeSimulator } from './server.js';
export type {
  SimEvent,
  SimSession,
  StripeScenario,
  StripeSimulator,
  StripeSimulatorOptions,
} from './types.js';
export { STRIPE_SCENARIOS } from './types.js';
