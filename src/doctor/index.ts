export { findProfile, type GatewayProfile, profileIds } from './profiles.js';
export { diagnose } from './report.js';
export { runDoctor } from './run.js';
export {
  DOCTOR_CLASSES,
  type DoctorClass,
  type DoctorOptions,
  type DoctorReport,
  type DoctorStep,
  type Lookup,
} from './types.js';
