export type { Attempt } from '../_shared/attempt.js';
export { CustomerError } from '../_shared/customer.js';
export { RETRY_DELAYS_MS } from './clock.js';
export { type PayAsCustomerResult, payAsCustomer } from './customer.js';
export { molliePlatform, mollieTruth } from './platform.js';
export { startMollieSimulator } from './server.js';
export type {
  ApiCall,
  MollieScenario,
  MollieSimulator,
  MollieSimulatorOptions,
  SimNotification,
  SimPayment,
} from './types.js';
export { MOLLIE_SCENARIOS } from './types.js';
