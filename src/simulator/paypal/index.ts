export { MAX_RESENDS, resendDelay } from './clock.js';
export { payAsCustomer } from './customer.js';
export { encodeIpn, encodeText, escapeBytes } from './encode.js';
export { paypalPlatform, paypalTruth, SIM_ACCOUNT } from './platform.js';
export { PAYPAL_FAULT_KINDS, startPaypalSimulator } from './server.js';
export type {
  PaypalScenario,
  PaypalSimulator,
  PaypalSimulatorOptions,
  SimAccount,
  SimCharset,
  SimIpn,
  SimPayment,
  SimPostback,
} from './types.js';
export { PAYPAL_SCENARIOS, SIM_CHARSETS } from './types.js';
