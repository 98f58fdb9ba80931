export { CustomerError } from '../_shared/customer.js';
export type { PayAsCustomerOptions, PayAsCustomerResult } from './customer.js';
export { payAsCustomer } from './customer.js';
export { TRIVENETO_FAULT_KINDS } from './payment.js';
export { createTrivenetoPlatform, trivenetoPlatform } from './platform.js';
export { startTrivenetoSimulator } from './server.js';
export type {
  CustomerDestination,
  Delivery,
  InitAction,
  SimNotification,
  SimTerminal,
  SimTransaction,
  TrivenetoResult,
  TrivenetoSimulator,
  TrivenetoSimulatorOptions,
} from './types.js';
