export type { Fault, FaultKind } from '../faults.js';
export type { Scenario } from '../platform.js';
export type { PayAsCustomerOptions, PayAsCustomerResult } from './customer.js';
export { CustomerError, payAsCustomer } from './customer.js';
export type { ReturnPayload } from './payment.js';
export type { PaymentRequest, PaypageRejection } from './paypage.js';
export { sipsPlatform, sipsTruth } from './platform.js';
export { startSipsSimulator } from './server.js';
export type {
  Attempt,
  OfficeCall,
  SimResponse,
  SimTransaction,
  SipsOutcome,
  SipsSealAlgorithm,
  SipsShop,
  SipsSimulator,
  SipsSimulatorOptions,
} from './types.js';
