export { RETRY_DELAYS_MS } from './clock.js';
export { CustomerError, type PayAsCustomerResult, payAsCustomer } from './customer.js';
export { payplugPlatform, payplugTruth } from './platform.js';
export { startPayplugSimulator } from './server.js';
export type {
  ApiCall,
  Attempt,
  PayplugScenario,
  PayplugSimulator,
  PayplugSimulatorOptions,
  SimNotification,
  SimPayment,
} from './types.js';
export { PAYPLUG_SCENARIOS } from './types.js';
