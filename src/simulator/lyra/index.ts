export type { Attempt } from '../_shared/attempt.js';
export { CustomerError } from '../_shared/customer.js';
export type { Fault, FaultKind } from '../faults.js';
export { FAULT_KINDS } from '../faults.js';
export type { PayAsCustomerOptions, PayAsCustomerResult } from './customer.js';
export { payAsCustomer } from './customer.js';
export type { ReturnPayload } from './payment.js';
export { startLyraSimulator } from './server.js';
export type {
  LyraSimulator,
  LyraSimulatorOptions,
  Scenario,
  SimIpn,
  SimShop,
  SimTransaction,
  SimTransStatus,
  StatusApiMode,
  StatusCall,
} from './types.js';
export { SCENARIOS, STATUS_API_MODES } from './types.js';
