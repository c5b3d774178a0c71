/**
 * Conformance suite for `OnlineStore` adapters: event-time semantics (older never overwrites newer, also
 * under concurrent writes), TTL at read, per-value statuses, project isolation, bad records.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import type { OnlineRecord, OnlineStore } from './online-store.js';
import { encodeEntityKey } from './online-store.js';

/** A fresh store (own namespace) for one test. */
export interface OnlineStoreHarness {
  readonly store: OnlineStore;
  dispose(): Promise<void>;
}

const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 10);
const rec = (key: number, eventTime: number, values: OnlineRecord['values'], view = 'stats'): OnlineRecord => ({ view, entityKey: encodeEntityKey([key]), eventTime, values });

/** Registers the conformance tests for one adapter. */
export function describeOnlineStoreContract(label: string, create: () => Promise<OnlineStoreHarness>): void {
  describe(`online store contract: ${label}`, () => {
    let h: OnlineStoreHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('keeps the newest record by event time, whatever the write order', async () => {
      const s = h.store;
      expect(await s.write('p', [rec(1, T, { balance: 1.5, segment: 'a' })])).toEqual({ written: 1, stale: 0 });
      expect(await s.write('p', [rec(1, T - DAY, { balance: 9, segment: 'old' })])).toEqual({ written: 0, stale: 1 });
      const [row] = await s.read('p', { view: 'stats', entityKeys: [encodeEntityKey([1])], features: ['balance', 'segment'], ttlMs: null, now: T });
      expect(row).toEqual({ balance: { status: 'present', value: 1.5, eventTime: T }, segment: { status: 'present', value: 'a', eventTime: T } });
      // Same event time: a replay is idempotent (last write wins); newer replaces.
      await s.write('p', [rec(1, T, { balance: 2, segment: 'b' }), rec(1, T + 1, { balance: 3, segment: null })]);
      const [after] = await s.read('p', { view: 'stats', entityKeys: [encodeEntityKey([1])], features: ['balance', 'segment'], ttlMs: null, now: T + 1 });
      expect(after.balance).toEqual({ status: 'present', value: 3, eventTime: T + 1 });
      expect(after.segment).toEqual({ status: 'missing', value: null, eventTime: T + 1 });
    });

    it('never lets an older record win under concurrent writers', async () => {
      const writes = Array.from({ length: 200 }, (_, i) => h.store.write('p', [rec(7, T + ((i * 37) % 200), { n: (i * 37) % 200 })]));
      await Promise.all(writes);
      const [row] = await h.store.read('p', { view: 'stats', entityKeys: [encodeEntityKey([7])], features: ['n'], ttlMs: null, now: T + 1000 });
      expect(row.n).toEqual({ status: 'present', value: 199, eventTime: T + 199 });
    });

    it('applies a large batch in order: repeated keys across the batch keep the newest, counts add up', async () => {
      // 1,000 records over 100 keys, each key 10 times at shuffled event times: adapters that split a batch
      // into slices (Redis: 256 records per script call) must give what record-by-record writes give.
      const records = Array.from({ length: 1000 }, (_, i) => rec(i % 100, T + ((i * 7919) % 1000), { n: (i * 7919) % 1000 }));
      const newest = new Map<number, number>();
      let expectedWritten = 0;
      records.forEach((r, i) => {
        const key = i % 100;
        const t = r.eventTime - T;
        if (!newest.has(key) || newest.get(key)! <= t) {
          newest.set(key, t);
          expectedWritten++;
        }
      });
      expect(await h.store.write('p', records)).toEqual({ written: expectedWritten, stale: 1000 - expectedWritten });
      const keys = Array.from({ length: 100 }, (_, k) => encodeEntityKey([k]));
      const rows = await h.store.read('p', { view: 'stats', entityKeys: keys, features: ['n'], ttlMs: null, now: T + 2000 });
      expect(rows.map((r) => r.n.value)).toEqual(Array.from({ length: 100 }, (_, k) => newest.get(k)));
    });

    it('reports missing and outside-TTL values per entity, in request order', async () => {
      await h.store.write('p', [rec(1, T, { balance: 1 }), rec(2, T - 2 * DAY, { balance: 2 })]);
      const rows = await h.store.read('p', { view: 'stats', entityKeys: [encodeEntityKey([2]), encodeEntityKey([3]), encodeEntityKey([1])], features: ['balance', 'nope'], ttlMs: DAY, now: T + DAY });
      expect(rows.map((r) => r.balance.status)).toEqual(['outside_ttl', 'missing', 'present']);
      expect(rows[0].balance.value).toBeNull();
      expect(rows[2].nope.status).toBe('missing');
      // The TTL bound is inclusive: exactly ttl old is still present; one ms more is not.
      const edge = await h.store.read('p', { view: 'stats', entityKeys: [encodeEntityKey([1])], features: ['balance'], ttlMs: DAY, now: T + DAY + 1 });
      expect(edge[0].balance.status).toBe('outside_ttl');
      expect(await h.store.read('p', { view: 'stats', entityKeys: [], features: ['balance'], ttlMs: null })).toEqual([]);
    });

    it('keeps projects and views apart, and rejects malformed records whole', async () => {
      await h.store.write('a', [rec(1, T, { x: 1 })]);
      await h.store.write('b', [rec(1, T, { x: 2 }, 'other')]);
      const read = (p: string, view: string) => h.store.read(p, { view, entityKeys: [encodeEntityKey([1])], features: ['x'], ttlMs: null, now: T });
      expect((await read('a', 'stats'))[0].x.value).toBe(1);
      expect((await read('b', 'stats'))[0].x.status).toBe('missing');
      expect((await read('b', 'other'))[0].x.value).toBe(2);
      await expect(h.store.write('a', [rec(2, T, { x: 5 }), { ...rec(3, T, {}), eventTime: Number.NaN }])).rejects.toBeInstanceOf(UsageError);
      expect((await h.store.read('a', { view: 'stats', entityKeys: [encodeEntityKey([2])], features: ['x'], ttlMs: null, now: T }))[0].x.status).toBe('missing');
    });

    it('counts a view\'s entities and its newest event time, per project (names with glob characters too)', async () => {
      expect(await h.store.viewStats('p', 'v*[x]')).toEqual({ entities: 0, latestEventTime: null });
      await h.store.write('p', [rec(1, T, { x: 1 }, 'v*[x]'), rec(2, T + 5, { x: 2 }, 'v*[x]'), rec(2, T + 1, { x: 3 }, 'v*[x]'), rec(3, T + 9, { x: 1 }, 'v*[x]y')]);
      await h.store.write('q', [rec(9, T + 50, { x: 1 }, 'v*[x]')]);
      expect(await h.store.viewStats('p', 'v*[x]')).toEqual({ entities: 2, latestEventTime: T + 5 });
    });
  });
}
