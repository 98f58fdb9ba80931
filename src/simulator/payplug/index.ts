export type { Attempt } from '../_shared/attempt.js';
export { CustomerError } from '../_shared/customer.js';
export { RETRY_DELAYS_MS } from './clock.js';
export { type PayAsCustomerResult, payAsCustomer } from './customer.js';
export { payplugPlatform, payplugTruth } from './platform.js';
export { startPayplugSimulator } from './server.js';
export type {
  ApiCall,
  PayplugScenario,
  PayplugSimulator,
  PayplugSimulatorOptions,
  SimNotification,
  SimPayment,
} from './types.js';
export { PAYPLUG_SCENARIOS } from './types.js';
