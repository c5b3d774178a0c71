/**
 * Bounded retries for alert deliveries: at most `maxAttempts` tries, each bounded by `attemptTimeoutMs`,
 * separated by exponential backoff (`backoffMs`, doubling, capped at `maxBackoffMs`). A thrown error
 * (network, timeout) or a retryable answer (5xx, 429) is tried again; any other answer ends the delivery.
 * Every attempt is recorded, so a webhook that hangs or answers 500 shows exactly what happened.
 */

/** How hard to try. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** Defaults: 4 attempts of at most 5 s, 0.5 s, 1 s, 2 s apart (a delivery ends within about 24 s). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, attemptTimeoutMs: 5000, backoffMs: 500, maxBackoffMs: 8000 };

/** One attempt as recorded. */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly ms: number;
  /** HTTP status (webhooks) or SMTP response code; null when none came back. */
  readonly status: number | null;
  readonly error: string | null;
}

/** The end of a delivery. */
export interface DeliveryOutcome {
  readonly ok: boolean;
  readonly attempts: readonly DeliveryAttempt[];
}

/** What one attempt reports: a status and whether it counts as delivered / may be retried. */
export interface AttemptResult {
  readonly status: number | null;
  readonly ok: boolean;
  readonly retryable: boolean;
  readonly error?: string;
}

/** Whether an HTTP status is worth retrying. */
export function retryableHttpStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** Run `attempt` under the policy; never throws. */
export async function deliverWithRetries(attempt: (n: number) => Promise<AttemptResult>, policy: RetryPolicy, sleep: (ms: number) => Promise<void> = defaultSleep): Promise<DeliveryOutcome> {
  const attempts: DeliveryAttempt[] = [];
  const max = Math.max(1, Math.floor(policy.maxAttempts));
  for (let n = 1; n <= max; n++) {
    const at = new Date();
    const started = performance.now();
    let result: AttemptResult;
    try {
      result = await withTimeout(attempt(n), policy.attemptTimeoutMs);
    } catch (err) {
      result = { status: null, ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) };
    }
    attempts.push({ attempt: n, at: at.toISOString(), ms: Math.round(performance.now() - started), status: result.status, error: result.ok ? null : (result.error ?? `status ${String(result.status)}`) });
    if (result.ok) return { ok: true, attempts };
    if (!result.retryable || n === max) break;
    await sleep(Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (n - 1)));
  }
  return { ok: false, attempts };
}

/** Rejects after `ms` (the attempt itself is expected to clean up; this is the hard bound). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
