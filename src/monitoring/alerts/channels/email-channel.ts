/**
 * Alert email over SMTP (nodemailer, imported on first use). The server comes from the operator's
 * configuration, not from users: `KILN_SMTP_URL` (`smtp://host:587`, `smtps://user:pass@host:465`;
 * STARTTLS is used when the server offers it) and `KILN_SMTP_FROM` (default `kiln@localhost`). Without
 * `KILN_SMTP_URL` an email channel is refused when the rule is created, and a delivery says so.
 * SMTP reply codes 4xx are transient (retried), 5xx permanent.
 */
import { UsageError } from '../../../core/errors.js';
import type { AttemptResult } from './delivery-attempts.js';
import type { AlertNotification } from './alert-message.js';
import { emailContent } from './alert-message.js';

/** Where alert email goes out. */
export interface SmtpSettings {
  readonly url: string;
  readonly from: string;
}

/** `KILN_SMTP_URL` / `KILN_SMTP_FROM`, or null when no SMTP server is configured. */
export function smtpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | null {
  const url = env.KILN_SMTP_URL?.trim();
  if (url === undefined || url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('KILN_SMTP_URL is not a URL', { field: 'KILN_SMTP_URL' }, 'Use smtp://HOST:PORT or smtps://USER:PASSWORD@HOST:465.');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new UsageError(`KILN_SMTP_URL must use smtp: or smtps: (got ${parsed.protocol})`, { field: 'KILN_SMTP_URL' });
  return { url, from: env.KILN_SMTP_FROM?.trim() || 'kiln@localhost' };
}

/** A mailbox as users may write it: one plain address, no display name, no header injection. */
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The address, or a UsageError naming `field`. */
export function checkEmailAddress(to: unknown, field = 'channel'): string {
  if (typeof to !== 'string' || to.length > 254 || !ADDRESS.test(to)) throw new UsageError(`${field}: ${JSON.stringify(String(to).slice(0, 100))} is not an email address`, { field }, 'Write email:someone@example.com.');
  return to;
}

/** One attempt to send the notification to `to`. */
export async function sendAlertEmail(smtp: SmtpSettings, to: string, n: AlertNotification, timeoutMs: number): Promise<AttemptResult> {
  const { createTransport } = await import('nodemailer');
  const url = new URL(smtp.url);
  const secure = url.protocol === 'smtps:';
  const transport = createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    ...(url.username !== '' ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    const { subject, text } = emailContent(n);
    const info = await transport.sendMail({ from: smtp.from, to, subject, text, headers: { 'X-Kiln-Alert': n.alert.id } });
    const code = Number(/^(\d{3})/.exec(String(info.response))?.[1] ?? 250);
    return { status: code, ok: true, retryable: false };
  } catch (err) {
    const code = typeof (err as { responseCode?: unknown }).responseCode === 'number' ? (err as { responseCode: number }).responseCode : null;
    return { status: code, ok: false, retryable: code === null || code < 500, error: err instanceof Error ? err.message : String(err) };
  } finally {
    transport.close();
  }
}
