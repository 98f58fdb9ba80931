export { formatAmount, parseAmount } from './amount.js';
export { DEMO_CURRENCY, notifyUrlOf, talerPlatform, talerTruth } from './platform.js';
export {
  MAX_HOLD_MS,
  parsePayUri,
  QUITTANCE_TEMPLATES,
  RETRY_DELAYS_MS,
  render,
  startTalerSimulator,
} from './server.js';
export type {
  ApiCall,
  SimOrder,
  SimWebhook,
  SimWebhookDelivery,
  TalerScenario,
  TalerSimulator,
  TalerSimulatorOptions,
} from './types.js';
export { TALER_SCENARIOS } from './types.js';
