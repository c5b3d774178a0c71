/**
 * The webhook signing secrets of every project's alert rules under key management: `channelSecretStatus`
 * counts them per master key (plain ones apart) for `kiln keys status`, and `rotateChannelSecrets` re-wraps
 * sealed ones under the active key (and, asked, seals plain ones) for `kiln keys rotate`. A rule whose
 * secrets changed is rewritten with one update; a channel that cannot be re-wrapped (its key is not
 * configured, its row was modified) is listed and left as it was, so running it again resumes.
 */
import { KilnError } from '../../core/errors.js';
import type { SecretsAtRest } from '../../security/secrets-at-rest.js';
import type { AlertChannelSpec, AlertRuleRecord } from '../../store/alert-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { channelLabel, secretOwner } from './channels/alert-channels.js';

/** Webhook secrets sealed under one master key. */
export interface ChannelSecretKeyUsage {
  readonly id: string;
  readonly channels: number;
  /** Whether the key is configured (KILN_MASTER_KEY or KILN_MASTER_KEYS_OLD), so deliveries can open them. */
  readonly configured: boolean;
  readonly active: boolean;
}

/** How the webhook secrets of every project's rules are stored (counts only, never a secret). */
export interface ChannelSecretStatus {
  /** Webhook channels (each has one secret). */
  readonly channels: number;
  readonly encrypted: number;
  readonly plain: number;
  readonly keys: ChannelSecretKeyUsage[];
}

/** What `rotateChannelSecrets` did. */
export interface ChannelSecretRotation {
  readonly activeKeyId: string;
  readonly channels: number;
  readonly rewrapped: number;
  readonly current: number;
  /** Plain secrets left plain (no `encryptPlain`). */
  readonly plain: number;
  readonly encryptedPlain: number;
  readonly failed: { project: string; rule: string; channel: string; code: string; message: string }[];
}

/** Calls `visit` for every rule of every project, a page at a time. */
async function forEachRule(metadata: MetadataStore, visit: (rule: AlertRuleRecord) => Promise<void>): Promise<void> {
  let cursor: string | null = null;
  do {
    const page = await metadata.alerts.rulesOfAllProjects({ limit: 500, cursor });
    for (const rule of page.items) await visit(rule);
    cursor = page.next;
  } while (cursor !== null);
}

/** Counts webhook secrets plain and sealed, per master key id. */
export async function channelSecretStatus(metadata: MetadataStore, secrets: SecretsAtRest): Promise<ChannelSecretStatus> {
  const perKey = new Map<string, number>();
  let channels = 0;
  let plain = 0;
  await forEachRule(metadata, async (rule) => {
    for (const c of rule.channels) {
      if (c.kind !== 'webhook') continue;
      channels++;
      const keyId = secrets.keyIdOf(c.secret);
      if (keyId === null) plain++;
      else perKey.set(keyId, (perKey.get(keyId) ?? 0) + 1);
    }
  });
  const ring = secrets.keyring;
  const configured = new Set(ring ? [ring.active.id, ...ring.old.map((k) => k.id)] : []);
  const keys = [...perKey.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id, n]) => ({ id, channels: n, configured: configured.has(id), active: id === ring?.active.id }));
  return { channels, encrypted: channels - plain, plain, keys };
}

/** Re-wraps (and with `encryptPlain` seals) every webhook secret under the active master key. */
export async function rotateChannelSecrets(metadata: MetadataStore, secrets: SecretsAtRest, options: { encryptPlain?: boolean } = {}): Promise<ChannelSecretRotation> {
  const ring = secrets.requireKeyring();
  const counts = { channels: 0, rewrapped: 0, current: 0, plain: 0, encryptedPlain: 0 };
  const failed: ChannelSecretRotation['failed'] = [];
  await forEachRule(metadata, async (rule) => {
    let changed = false;
    const channels: AlertChannelSpec[] = rule.channels.map((c) => {
      if (c.kind !== 'webhook') return c;
      counts.channels++;
      try {
        const { outcome, stored } = secrets.reseal(c.secret, secretOwner(rule.project, rule.name, c), options);
        if (outcome === 'rewrapped') counts.rewrapped++;
        else if (outcome === 'current') counts.current++;
        else if (outcome === 'encrypted') counts.encryptedPlain++;
        else counts.plain++;
        if (stored === c.secret) return c;
        changed = true;
        return { ...c, secret: stored };
      } catch (err) {
        // Typed errors (key not configured, modified row) are per-channel outcomes; anything else stops the run.
        if (!(err instanceof KilnError)) throw err;
        failed.push({ project: rule.project, rule: rule.name, channel: channelLabel(c), code: err.code, message: err.message });
        return c;
      }
    });
    if (changed) await metadata.inProject(rule.project).alerts.replaceRuleChannels(rule.name, channels);
  });
  return { activeKeyId: ring.active.id, ...counts, failed };
}
