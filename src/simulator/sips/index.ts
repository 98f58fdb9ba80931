export type { Attempt } from '../_shared/attempt.js';
export { CustomerError } from '../_shared/customer.js';
export type { Fault, FaultKind } from '../faults.js';
export type { Scenario } from '../platform.js';
export type { PayAsCustomerOptions, PayAsCustomerResult } from './customer.js';
export { payAsCustomer } from './customer.js';
export type { ReturnPayload } from './payment.js';
export type { PaymentRequest, PaypageRejection } from './paypage.js';
export { sipsPlatform, sipsTruth } from './platform.js';
export { startSipsSimulator } from './server.js';
export type {
  OfficeCall,
  SimResponse,
  SimTransaction,
  SipsOutcome,
  SipsSealAlgorithm,
  SipsShop,
  SipsSimulator,
  SipsSimulatorOptions,
} from './types.js';
