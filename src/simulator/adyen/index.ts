export { RETRY_DELAYS_MS } from './clock.js';
export { payAsCustomer } from './customer.js';
export { notificationBody } from './notification.js';
export { adyenPlatform } from './platform.js';
export { notifyUrlOf, startAdyenSimulator } from './server.js';
export type {
  AdyenScenario,
  AdyenSimulator,
  AdyenSimulatorOptions,
  SimLink,
  SimNotification,
} from './types.js';
export { ADYEN_SCENARIOS } from './types.js';
