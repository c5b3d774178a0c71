/**
 * The alert channels, one entry per kind: `webhook` (signed JSON POST), `slack` (Slack-compatible
 * `{text, blocks}` POST) and `email` (SMTP). Every URL passes `checkOutboundUrl` before the first attempt
 * and the connection goes only to the addresses it resolved; every delivery runs under a `RetryPolicy`
 * and returns every attempt. `parseChannelSpec` reads the CLI/API form `webhook:URL`, `slack:URL`,
 * `email:ADDRESS`. A webhook's signing secret is stored sealed when a master key is configured
 * (`security/secrets-at-rest.ts`) and opened only here, at delivery: a key that is missing or wrong makes
 * that delivery fail with the reason in the alert's history, never the monitor run.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { KilnError, UsageError } from '../../../core/errors.js';
import type { OutboundUrlPolicy } from '../../../security/outbound-url.js';
import { checkOutboundUrl } from '../../../security/outbound-url.js';
import type { SecretsAtRest } from '../../../security/secrets-at-rest.js';
import type { AlertChannelSpec } from '../../../store/alert-repository.js';
import type { SecretStorage } from '../../../store/stored-secret.js';
import { secretStorageOf } from '../../../store/stored-secret.js';
import type { AlertNotification } from './alert-message.js';
import { slackBody, webhookDocument } from './alert-message.js';
import type { AttemptResult, DeliveryOutcome, RetryPolicy } from './delivery-attempts.js';
import { deliverWithRetries, retryableHttpStatus } from './delivery-attempts.js';
import type { SmtpSettings } from './email-channel.js';
import { checkEmailAddress, sendAlertEmail } from './email-channel.js';
import { postToCheckedUrl } from './outbound-post.js';
import { signWebhookBody } from './webhook-signature.js';

/** What deliveries need from configuration. */
export interface ChannelContext {
  readonly outbound: OutboundUrlPolicy;
  readonly retry: RetryPolicy;
  readonly smtp: SmtpSettings | null;
  /** Seals webhook secrets for storage and opens them for a delivery (master keys, or none: plain text). */
  readonly secrets: SecretsAtRest;
  /** Backoff sleep (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Most channels per rule. */
export const MAX_CHANNELS = 10;

/** Parse `webhook:URL`, `slack:URL` or `email:ADDRESS` (URL syntax only; the outbound policy is checked by `checkChannel`). */
export function parseChannelSpec(text: unknown, secret?: string, field = 'channel'): AlertChannelSpec {
  if (typeof text !== 'string' || text.length > 2100) throw new UsageError(`${field} must be webhook:URL, slack:URL or email:ADDRESS`, { field });
  const i = text.indexOf(':');
  const kind = i < 0 ? text : text.slice(0, i);
  const rest = i < 0 ? '' : text.slice(i + 1);
  switch (kind) {
    case 'webhook':
      return { kind: 'webhook', url: rest, secret: secret ?? randomBytes(32).toString('hex') };
    case 'slack':
      return { kind: 'slack', url: rest };
    case 'email':
      return { kind: 'email', to: checkEmailAddress(rest, field) };
    default:
      throw new UsageError(`${field}: unknown channel kind ${JSON.stringify(kind.slice(0, 40))}`, { field }, 'Write webhook:https://..., slack:https://hooks.slack.com/... or email:someone@example.com.');
  }
}

/** Refuse a channel Kiln could never deliver to: a URL the outbound policy blocks, email without SMTP. */
export async function checkChannel(spec: AlertChannelSpec, ctx: Pick<ChannelContext, 'outbound' | 'smtp'>, field = 'channel'): Promise<void> {
  if (spec.kind === 'email') {
    checkEmailAddress(spec.to, field);
    if (ctx.smtp === null) throw new UsageError(`${field}: email alerts need an SMTP server, and KILN_SMTP_URL is not set`, { field }, 'Set KILN_SMTP_URL (and KILN_SMTP_FROM) on the server that runs monitors; see docs/monitoring.md.');
    return;
  }
  if (spec.kind === 'webhook' && (typeof spec.secret !== 'string' || spec.secret.length < 16 || spec.secret.length > 256)) {
    throw new UsageError(`${field}: the webhook secret must be 16 to 256 characters`, { field: 'secret' });
  }
  await checkOutboundUrl(spec.url, ctx.outbound, field);
}

/** A channel as lists and `show` return it. */
export interface PublicChannel {
  kind: AlertChannelSpec['kind'];
  url?: string;
  to?: string;
  secret?: string;
  /** Webhooks: whether the signing secret is encrypted at rest or kept as plain text (no master key). */
  secretStorage?: SecretStorage;
}

/** The channel without its secret (what lists and `show` return). */
export function publicChannel(spec: AlertChannelSpec): PublicChannel {
  return spec.kind === 'webhook' ? { kind: spec.kind, url: spec.url, secret: '[hidden]', secretStorage: secretStorageOf(spec.secret) } : { ...spec };
}

/** The channel as stored: a webhook's plain secret sealed (or kept plain when no master key is configured). */
export function sealChannelSecret(spec: AlertChannelSpec, secrets: SecretsAtRest): AlertChannelSpec {
  return spec.kind === 'webhook' && typeof spec.secret === 'string' ? { ...spec, secret: secrets.seal(spec.secret) } : spec;
}

/** Who a channel's secret belongs to, as errors name it. */
export function secretOwner(project: string, rule: string, spec: AlertChannelSpec): string {
  return `alert rule "${rule}" (project ${project}) channel ${channelLabel(spec)}`;
}

/** A short label of the channel for history (`webhook https://host/...`). */
export function channelLabel(spec: AlertChannelSpec): string {
  return spec.kind === 'email' ? `email ${spec.to}` : `${spec.kind} ${spec.url.slice(0, 200)}`;
}

/** Deliver one notification to one channel; never throws (a refused URL is a failed delivery with one attempt). */
export async function deliverToChannel(spec: AlertChannelSpec, n: AlertNotification, ctx: ChannelContext): Promise<DeliveryOutcome> {
  if (spec.kind === 'email') {
    const smtp = ctx.smtp;
    if (smtp === null) return refused('KILN_SMTP_URL is not set');
    return deliverWithRetries(() => sendAlertEmail(smtp, spec.to, n, ctx.retry.attemptTimeoutMs), ctx.retry, ctx.sleep);
  }
  let target;
  let timer: NodeJS.Timeout | undefined;
  try {
    // Name resolution is bounded like an attempt: a resolver that hangs must not hold the monitor run.
    const slow = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`resolving ${spec.url.slice(0, 200)} took longer than ${ctx.retry.attemptTimeoutMs} ms`)), ctx.retry.attemptTimeoutMs);
    });
    target = await Promise.race([checkOutboundUrl(spec.url, ctx.outbound, 'channel'), slow]);
  } catch (err) {
    return refused(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
  let secret = '';
  try {
    // Opened here only, never stored or returned: the plain secret lives for this delivery.
    if (spec.kind === 'webhook') secret = ctx.secrets.open(spec.secret, secretOwner(n.alert.project, n.alert.rule, spec));
  } catch (err) {
    return refused(err instanceof KilnError && err.hint ? `${err.message}. ${err.hint}` : err instanceof Error ? err.message : String(err));
  }
  const body = JSON.stringify(spec.kind === 'slack' ? slackBody(n) : webhookDocument(n));
  const delivery = randomUUID();
  const attempt = async (): Promise<AttemptResult> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'kiln-alerts/1' };
    if (spec.kind === 'webhook') {
      const timestamp = Math.floor(Date.now() / 1000);
      headers['x-kiln-delivery'] = delivery;
      headers['x-kiln-timestamp'] = String(timestamp);
      headers['x-kiln-event'] = n.event;
      headers['x-kiln-signature'] = signWebhookBody(secret, timestamp, body);
    }
    const res = await postToCheckedUrl(target, body, headers, ctx.retry.attemptTimeoutMs);
    const ok = res.status >= 200 && res.status < 300;
    return { status: res.status, ok, retryable: !ok && retryableHttpStatus(res.status), ...(ok ? {} : { error: `HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}` }) };
  };
  return deliverWithRetries(attempt, ctx.retry, ctx.sleep);
}

function refused(reason: string): DeliveryOutcome {
  return { ok: false, attempts: [{ attempt: 1, at: new Date().toISOString(), ms: 0, status: null, error: reason }] };
}
