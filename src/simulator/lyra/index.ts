export type { PayAsCustomerOptions, PayAsCustomerResult } from './customer.js';
export { CustomerError, payAsCustomer } from './customer.js';
export type { Fault, FaultKind } from './faults.js';
export { FAULT_KINDS } from './faults.js';
export type { ReturnPayload } from './payment.js';
export { startLyraSimulator } from './server.js';
export type {
  Attempt,
  LyraSimulator,
  LyraSimulatorOptions,
  Scenario,
  SimIpn,
  SimShop,
  SimTransaction,
  SimTransStatus,
} from './types.js';
export { SCENARIOS } from './types.js';
