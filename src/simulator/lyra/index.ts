export type { Fault, FaultKind } from '../faults.js';
export { FAULT_KINDS } from '../faults.js';
export type { PayAsCustomerOptions, PayAsCustomerResult } from './customer.js';
export { CustomerError, payAsCustomer } from './customer.js';
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
  StatusApiMode,
  StatusCall,
} from './types.js';
export { SCENARIOS, STATUS_API_MODES } from './types.js';
