/**
 * Conformance suite for the alert repository (migration 14). Each SQL adapter's test file calls
 * `describeAlertRepositoryContract` with a fresh, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
import type { AlertRecord, AlertRuleRecord } from './alert-repository.js';
import type { MetadataStore } from './metadata-store.js';

/** A fresh store for one test. */
export interface AlertRepositoryHarness {
  readonly store: MetadataStore;
  dispose(): Promise<void>;
}

const rule = (name: string, monitor = 'churn-drift'): AlertRuleRecord => ({
  project: 'default',
  name,
  monitor,
  condition: 'drift_share > 0.3 for 2 runs',
  severity: 'warning',
  channels: [{ kind: 'webhook', url: 'https://hooks.example.com/a', secret: 's3cret' }],
  actions: [{ kind: 'rollback' }],
  cooldownSeconds: 1800,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'local:test',
});

const alert = (id: string, ruleName: string, firedAt: string, status: AlertRecord['status'] = 'open'): AlertRecord => ({
  project: 'default',
  id,
  rule: ruleName,
  monitor: 'churn-drift',
  endpoint: 'churn',
  severity: 'warning',
  condition: 'drift_share > 0.3',
  status,
  value: 0.5,
  runId: 'run-1',
  firedAt,
  lastValue: 0.5,
  lastSeenAt: firedAt,
  occurrences: 1,
  resolvedAt: status === 'resolved' ? firedAt : null,
  acknowledgedBy: null,
  acknowledgedAt: null,
});

/** Registers the conformance tests for one adapter. */
export function describeAlertRepositoryContract(label: string, create: () => Promise<AlertRepositoryHarness>): void {
  describe(`alert repository contract: ${label}`, () => {
    let h: AlertRepositoryHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('creates, lists, finds by monitor and deletes rules; names are unique per project', async () => {
      const repo = h.store.alerts;
      await repo.createRule(rule('b-rule'));
      await repo.createRule(rule('a-rule', 'other'));
      await expect(repo.createRule(rule('a-rule'))).rejects.toBeInstanceOf(ConflictError);
      expect((await repo.getRule('b-rule'))?.channels).toEqual(rule('b-rule').channels);
      expect(await repo.getRule('nope')).toBeNull();
      const first = await repo.listRules({ limit: 1 });
      expect(first.items.map((r) => r.name)).toEqual(['a-rule']);
      const second = await repo.listRules({ limit: 1, cursor: first.next });
      expect(second.items.map((r) => r.name)).toEqual(['b-rule']);
      expect(second.next).toBeNull();
      expect((await repo.rulesOfMonitor('churn-drift')).map((r) => r.name)).toEqual(['b-rule']);
      await expect(repo.listRules({ cursor: 'garbage!' })).rejects.toBeInstanceOf(UsageError);
      expect(await repo.deleteRule('b-rule')).toBe(true);
      expect(await repo.deleteRule('b-rule')).toBe(false);
      // Another project sees none of it and may reuse the name.
      const other = h.store.inProject('other').alerts;
      expect((await other.listRules()).items).toEqual([]);
      expect((await other.createRule(rule('a-rule'))).project).toBe('other');
    });

    it('replaces a rule\'s channels (sealed secrets kept as data) and pages rules of every project', async () => {
      const repo = h.store.alerts;
      await repo.createRule(rule('b-rule'));
      await repo.createRule(rule('a-rule'));
      await h.store.inProject('other').alerts.createRule(rule('a-rule'));
      const sealed = { enc: 'kiln-secret-v1' as const, keyId: '0123456789abcdef', envelope: 'S0lMTkVOQzE=' };
      expect(await repo.replaceRuleChannels('b-rule', [{ kind: 'webhook', url: 'https://hooks.example.com/b', secret: sealed }])).toBe(true);
      expect(await repo.replaceRuleChannels('gone', [])).toBe(false);
      const b = await repo.getRule('b-rule');
      expect(b?.channels).toEqual([{ kind: 'webhook', url: 'https://hooks.example.com/b', secret: sealed }]);
      expect(b?.condition).toBe(rule('b-rule').condition);
      expect((await h.store.inProject('other').alerts.getRule('a-rule'))?.channels).toEqual(rule('a-rule').channels);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await repo.rulesOfAllProjects({ limit: 2, cursor });
        seen.push(...page.items.map((r) => `${r.project}/${r.name}`));
        cursor = page.next;
      } while (cursor !== null);
      expect(seen).toEqual(['default/a-rule', 'default/b-rule', 'other/a-rule']);
      await expect(repo.rulesOfAllProjects({ cursor: 'garbage!' })).rejects.toBeInstanceOf(UsageError);
    });

    it('allows one open alert per rule, resolves, lists newest first with filters and pages', async () => {
      const repo = h.store.alerts;
      await repo.createAlert(alert('a1', 'r', '2026-01-01T00:00:00.000Z'));
      await expect(repo.createAlert(alert('a2', 'r', '2026-01-01T01:00:00.000Z'))).rejects.toBeInstanceOf(ConflictError);
      expect((await repo.openAlertOf('r'))?.id).toBe('a1');
      const a1 = (await repo.getAlert('a1')) as AlertRecord;
      await repo.updateAlert({ ...a1, status: 'resolved', resolvedAt: '2026-01-01T00:30:00.000Z' });
      expect(await repo.openAlertOf('r')).toBeNull();
      await repo.createAlert(alert('a2', 'r', '2026-01-01T01:00:00.000Z'));
      await repo.createAlert(alert('b1', 's', '2026-01-01T02:00:00.000Z'));
      // Re-opening a resolved alert while another is open is refused too.
      await expect(repo.updateAlert({ ...a1, status: 'open' })).rejects.toBeInstanceOf(ConflictError);
      expect((await repo.latestAlertOf('r'))?.id).toBe('a2');
      expect((await repo.listAlerts()).items.map((a) => a.id)).toEqual(['b1', 'a2', 'a1']);
      expect((await repo.listAlerts({ status: 'open' })).items.map((a) => a.id)).toEqual(['b1', 'a2']);
      expect((await repo.listAlerts({ rule: 'r' })).items.map((a) => a.id)).toEqual(['a2', 'a1']);
      const p1 = await repo.listAlerts({}, { limit: 2 });
      const p2 = await repo.listAlerts({}, { limit: 2, cursor: p1.next });
      expect([...p1.items, ...p2.items].map((a) => a.id)).toEqual(['b1', 'a2', 'a1']);
      await expect(repo.updateAlert(alert('zz', 'r', '2026-01-01T00:00:00.000Z'))).rejects.toBeInstanceOf(NotFoundError);
      expect(await h.store.inProject('other').alerts.getAlert('a1')).toBeNull();
    });

    it('keeps an ordered history per alert, including under concurrent appends', async () => {
      const repo = h.store.alerts;
      await repo.createAlert(alert('a1', 'r', '2026-01-01T00:00:00.000Z'));
      await repo.appendEvent('a1', 'fired', { value: 0.5, note: 'ü ✓' }, '2026-01-01T00:00:00.000Z');
      await Promise.all([1, 2, 3, 4].map((i) => repo.appendEvent('a1', 'delivery', { i }, '2026-01-01T00:00:01.000Z')));
      const events = await repo.events('a1');
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(events[0]).toEqual({ alertId: 'a1', seq: 1, at: '2026-01-01T00:00:00.000Z', kind: 'fired', detail: { value: 0.5, note: 'ü ✓' } });
      expect(new Set(events.slice(1).map((e) => (e.detail as { i: number }).i))).toEqual(new Set([1, 2, 3, 4]));
      expect(await repo.events('a1', 2)).toHaveLength(2);
      expect(await h.store.inProject('other').alerts.events('a1')).toEqual([]);
    });

    it('commits with a transaction and rolls back with it', async () => {
      await expect(
        h.store.transaction(async (tx) => {
          await tx.alerts.createRule(rule('in-tx'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await h.store.alerts.getRule('in-tx')).toBeNull();
    });
  });
}
