import type { ColumnType, Generated } from 'kysely';

/**
 * The one Kysely `Database` type, for SQLite and PostgreSQL alike. Only portable types cross this
 * contract: text, integers (epoch milliseconds for times, minor units for amounts: 64-bit, safe as
 * JS numbers up to 2^53), 0/1 integers for flags, JSON kept as text, bytes as Uint8Array.
 */
export interface Database {
  accounts: AccountTable;
  payments: PaymentTable;
  inbox: InboxTable;
  signals: SignalTable;
  jobs: JobTable;
  sequences: SequenceTable;
  events: EventTable;
  deliveries: DeliveryTable;
  endpoints: EndpointTable;
  alerts: AlertTable;
  alert_samples: AlertSampleTable;
  api_keys: ApiKeyTable;
  dashboard_sessions: DashboardSessionTable;
}

type Timestamp = number;
type Flag = ColumnType<number, number | undefined, number>;

export interface AccountTable {
  id: string;
  gateway: string;
  mode: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PaymentTable {
  id: string;
  account_id: string;
  order_ref: string;
  merchant_ref: string;
  amount_value: number;
  currency: string;
  status: string;
  gateway_ref: string | null;
  needs_review: Flag;
  /** Bumped on every write; updates check it, so two writers can never both apply a change. */
  version: number;
  checkout_json: string;
  /** The shop's `Idempotency-Key` for the creating request, if it sent one. */
  idempotency_key: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  fulfillment_url: string | null;
  fulfillment_message: string | null;
  session_id: string | null;
}

export interface InboxTable {
  id: string;
  /** As named in the request path: may be an account that does not exist (that is kept too). */
  account_id: string | null;
  kind: string;
  method: string;
  path: string;
  query: string;
  headers_json: string;
  body: Uint8Array;
  body_truncated: Flag;
  source_ip: string;
  received_at: Timestamp;
  verdict: string;
  reason_code: string | null;
  reason: string | null;
  answer_status: number | null;
  answer_body: string | null;
  processed_at: Timestamp | null;
}

export interface SignalTable {
  id: string;
  payment_id: string | null;
  inbox_id: string | null;
  source: string;
  status: string;
  gateway_status: string | null;
  amount_value: number | null;
  currency: string | null;
  gateway_ref: string | null;
  settlement: string;
  reason: string;
  facts_json: string | null;
  created_at: Timestamp;
}

export interface JobTable {
  id: string;
  task: string;
  payload_json: string;
  state: string;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: number;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  unique_key: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SequenceTable {
  name: string;
  value: number;
}

export interface EventTable {
  id: string;
  account_id: string;
  payment_id: string;
  type: string;
  signal_id: string;
  effect_key: string;
  payload_json: string;
  created_at: Timestamp;
}

export interface DeliveryTable {
  id: string;
  event_id: string;
  account_id: string;
  url: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  response_excerpt: string | null;
  ok: number;
  created_at: Timestamp;
}

export interface EndpointTable {
  account_id: string;
  url: string;
  consecutive_failures: number;
  failing_since: Timestamp | null;
  last_success_at: Timestamp | null;
  disabled_at: Timestamp | null;
  disabled_reason: string | null;
  updated_at: Timestamp;
}

export interface AlertTable {
  id: string;
  kind: string;
  account_id: string | null;
  payment_id: string | null;
  message: string;
  /** `<cause>@<UTC hour>` while open, NULL once resolved (migration 0005). */
  unique_key: string | null;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
  /** kind + account + what fails: `notification-overdue:acc1`. */
  cause: string;
  severity: string;
  occurrences: number;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

/** A bounded list of examples (payment, event or inbox ids) of one alert record. */
export interface AlertSampleTable {
  alert_id: string;
  sample: string;
  created_at: Timestamp;
}

/** Keys created with `quittance keys create` (migration 0006): only the key's SHA-256 is kept. */
export interface ApiKeyTable {
  id: string;
  name: string;
  /** `read` or `write`. */
  scope: string;
  /** Hex SHA-256 of the full key. */
  key_hash: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** Dashboard logins (migration 0006). */
export interface DashboardSessionTable {
  /** Hex SHA-256 of the session cookie's token. */
  id: string;
  /** null when the login used a key from the config file. */
  api_key_id: string | null;
  key_label: string;
  scope: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}
