/**
 * Conformance suite for the run repository (`metadata.runs`): lifecycle, immutable params, metric series
 * with NaN/±Infinity, latest values, tags, artifacts, inputs/outputs, search (filters, orders, keyset
 * paging), concurrent writers, deletion and gc references.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';
import type { Page } from './page.js';
import type { RunQueryClause, RunRepository, RunSearch, RunSummary } from './run-repository.js';

const AT = '2026-01-01T00:00:00.000Z';
const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

function at(i: number): string {
  return new Date(Date.parse(AT) + i * 1000).toISOString();
}

/** Registers the run repository conformance tests for one adapter. */
export function describeRunRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`RunRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let runs: RunRepository;

    beforeEach(async () => {
      harness = await createHarness();
      runs = harness.store.runs;
      await harness.store.experiments.create({ id: 'exp', name: 'default', createdAt: AT });
      await harness.store.experiments.create({ id: 'exp2', name: 'other', createdAt: AT });
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('runs a lifecycle and refuses logging to an ended run', async () => {
      const run = await runs.create({ id: 'r1', experimentId: 'exp', name: 'first', startedAt: AT, system: { host: 'h', seed: 7 } });
      expect(run).toMatchObject({ id: 'r1', experiment: 'default', status: 'running', parentId: null, endedAt: null, system: { host: 'h', seed: 7 } });
      const ended = await runs.end('r1', 'finished', at(5), { durationMs: 5000 });
      expect(ended).toMatchObject({ status: 'finished', endedAt: at(5), system: { host: 'h', seed: 7, durationMs: 5000 } });
      await expect(runs.logMetrics('r1', [{ key: 'm', value: 1, step: 0, timestamp: 1 }])).rejects.toBeInstanceOf(ConflictError);
      await expect(runs.logParams('r1', { a: '1' })).rejects.toBeInstanceOf(ConflictError);
      await expect(runs.setTags('r1', { a: '1' })).rejects.toBeInstanceOf(ConflictError);
      await expect(runs.end('r1', 'failed', at(6))).rejects.toBeInstanceOf(ConflictError);
      await expect(runs.logParams('nope', { a: '1' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(runs.create({ id: 'r2', experimentId: 'missing', startedAt: AT })).rejects.toBeInstanceOf(NotFoundError);
      await expect(runs.create({ id: 'r2', experimentId: 'exp', parentId: 'missing', startedAt: AT })).rejects.toBeInstanceOf(NotFoundError);
      const child = await runs.create({ id: 'r3', experimentId: 'exp', parentId: 'r1', status: 'queued', startedAt: AT });
      expect(child).toMatchObject({ parentId: 'r1', status: 'queued' });
      await runs.markRunning('r3');
      expect((await runs.get('r3'))?.status).toBe('running');
      // A resumed study reopens its ended run; reopening an open run changes nothing.
      expect(await runs.reopen('r1')).toMatchObject({ id: 'r1', status: 'running', endedAt: null });
      await runs.setTags('r1', { resumed: 'yes' });
      expect(await runs.reopen('r1')).toMatchObject({ status: 'running', endedAt: null });
      expect(await runs.end('r1', 'killed', at(7))).toMatchObject({ status: 'killed', endedAt: at(7) });
      await expect(runs.reopen('nope')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('keeps params immutable and tags mutable', async () => {
      await runs.create({ id: 'r', experimentId: 'exp', startedAt: AT });
      await runs.logParams('r', { lr: '0.1', "it's": 'é ✓' });
      await runs.logParams('r', { lr: '0.1' });
      const err = await runs.logParams('r', { lr: '0.2', depth: '3' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as Error).message).toMatch(/lr.*0\.1.*0\.2/);
      await runs.setTags('r', { team: 'risk', gone: 'x' });
      await runs.setTags('r', { team: 'fraud', gone: null });
      const d = await runs.getDetails('r');
      expect(d?.params).toEqual({ lr: '0.1', "it's": 'é ✓' });
      expect(d?.tags).toEqual({ team: 'fraud' });
      await expect(runs.logParams('r', { '': 'x' })).rejects.toBeInstanceOf(UsageError);
      await expect(runs.logParams('r', { k: 5 as unknown as string })).rejects.toBeInstanceOf(UsageError);
    });

    it('stores metric series with NaN and ±Infinity and keeps the latest value by step', async () => {
      await runs.create({ id: 'r', experimentId: 'exp', startedAt: AT });
      await runs.logMetrics('r', [
        { key: 'loss', value: 0.5, step: 1, timestamp: 10 },
        { key: 'loss', value: 0.25, step: 2, timestamp: 11 },
        { key: 'weird', value: Number.NaN, step: 0, timestamp: 1 },
        { key: 'big', value: Number.POSITIVE_INFINITY, step: 0, timestamp: 1 },
        { key: 'small', value: Number.NEGATIVE_INFINITY, step: 0, timestamp: 1 },
        { key: 'tiny', value: 5e-324, step: 0, timestamp: 1 },
      ]);
      // An older step logged later does not replace the latest value.
      await runs.logMetrics('r', [{ key: 'loss', value: 9, step: 0, timestamp: 99 }]);
      const d = await runs.getDetails('r');
      expect(d?.metrics).toEqual({ big: Infinity, loss: 0.25, small: -Infinity, tiny: 5e-324, weird: Number.NaN });
      const series = await runs.metricHistory('r', 'loss');
      expect(series.map((p) => [p.step, p.value])).toEqual([[0, 9], [1, 0.5], [2, 0.25]]);
      expect((await runs.metricHistory('r')).length).toBe(7);
      await expect(runs.logMetrics('r', [{ key: 'x', value: 1, step: 0.5, timestamp: 1 }])).rejects.toBeInstanceOf(UsageError);
      await expect(runs.logMetrics('r', [{ key: 'x', value: '1' as unknown as number, step: 0, timestamp: 1 }])).rejects.toBeInstanceOf(UsageError);
      // A bad point anywhere in a batch writes nothing.
      await expect(runs.logMetrics('r', [{ key: 'ok', value: 1, step: 0, timestamp: 1 }, { key: '', value: 1, step: 0, timestamp: 1 }])).rejects.toBeInstanceOf(UsageError);
      expect(await runs.metricHistory('r', 'ok')).toEqual([]);
    });

    it('logs large batches in one transaction', async () => {
      await runs.create({ id: 'r', experimentId: 'exp', startedAt: AT });
      const points = Array.from({ length: 5000 }, (_, i) => ({ key: `m${i % 5}`, value: i / 7, step: Math.floor(i / 5), timestamp: i }));
      await runs.logMetrics('r', points);
      const m0 = await runs.metricHistory('r', 'm0');
      expect(m0.length).toBe(1000);
      expect((await runs.getDetails('r'))?.metrics.m4).toBe(4999 / 7);
    });

    it('serializes concurrent writers to one run', async () => {
      await runs.create({ id: 'r', experimentId: 'exp', startedAt: AT });
      // One store: PostgreSQL's pool runs these on separate connections; SQLite's one connection queues them
      // (two SQLite connections in one process would block each other's event loop on busy_timeout).
      const other = harness.store;
      const writers = Array.from({ length: 8 }, (_, w) =>
        (w % 2 === 0 ? runs : other.runs).logMetrics('r', Array.from({ length: 200 }, (_, i) => ({ key: 'm', value: w * 1000 + i, step: w * 1000 + i, timestamp: i }))),
      );
      const params = Array.from({ length: 4 }, (_, w) => (w % 2 === 0 ? runs : other.runs).logParams('r', { p: String(w) }).then(() => 'ok', (e: unknown) => e));
      await Promise.all(writers);
      const outcomes = await Promise.all(params);
      expect(outcomes.filter((o) => o === 'ok').length).toBe(1);
      expect(outcomes.filter((o) => o instanceof ConflictError).length).toBe(3);
      expect((await runs.metricHistory('r', 'm')).length).toBe(1600);
      expect((await runs.getDetails('r'))?.metrics.m).toBe(7199);
      // End and log racing: each log either lands before the end or is refused.
      const racing = await Promise.all([
        other.runs.end('r', 'killed', at(1)).then(() => 'ended'),
        runs.logMetrics('r', [{ key: 'late', value: 1, step: 0, timestamp: 1 }]).then(() => 'logged', (e: unknown) => (e instanceof ConflictError ? 'refused' : e)),
      ]);
      expect(racing[0]).toBe('ended');
      expect(['logged', 'refused']).toContain(racing[1]);
      expect((await runs.get('r'))?.status).toBe('killed');
    });

    it('records artifacts, inputs and outputs, lists their hashes for gc, and deletes', async () => {
      await runs.create({ id: 'r', experimentId: 'exp', startedAt: AT });
      await runs.addArtifact('r', { path: 'model/bundle.kiln', hash: H1, size: 10 });
      await runs.addArtifact('r', { path: 'model/bundle.kiln', hash: H2, size: 12 });
      await runs.addArtifact('r', { path: 'plot.svg', hash: H1, size: 10 });
      await runs.addInputs('r', [{ name: 'credit', version: 2, hash: 'c' }, { name: 'credit', version: 2, hash: 'c' }]);
      await runs.addOutputs('r', [{ kind: 'bundle', ref: H2 }, { kind: 'model', ref: 'm-1' }]);
      const d = await runs.getDetails('r');
      expect(d?.artifacts).toEqual([{ path: 'model/bundle.kiln', hash: H2, size: 12 }, { path: 'plot.svg', hash: H1, size: 10 }]);
      expect(d?.inputs).toEqual([{ name: 'credit', version: 2, hash: 'c' }]);
      expect(d?.outputs).toEqual([{ kind: 'bundle', ref: H2 }, { kind: 'model', ref: 'm-1' }]);
      const hashes: string[] = [];
      for await (const h of runs.artifactHashes(1)) hashes.push(h);
      expect(hashes.sort()).toEqual([H1, H2, H2]);
      await expect(runs.addArtifact('r', { path: 'x', hash: 'nothex', size: 1 })).rejects.toBeInstanceOf(UsageError);
      expect(await runs.delete('r')).toBe(true);
      expect(await runs.delete('r')).toBe(false);
      expect(await runs.getDetails('r')).toBeNull();
      expect(await runs.metricHistory('r')).toEqual([]);
    });

    it('never lets one project see, log to or delete the runs of another', async () => {
      const a = harness.store.inProject('team-a');
      const b = harness.store.inProject('team-b');
      await a.experiments.create({ id: 'ea', name: 'churn', createdAt: AT });
      await b.experiments.create({ id: 'eb', name: 'churn', createdAt: AT });
      await a.runs.create({ id: 'ra', experimentId: 'ea', startedAt: AT });
      await a.runs.logParams('ra', { algo: 'gbdt' });
      await a.runs.logMetrics('ra', [{ key: 'auc', value: 0.9, step: 0, timestamp: 1 }]);
      await a.runs.addArtifact('ra', { path: 'm', hash: H1, size: 1 });
      await b.runs.create({ id: 'rb', experimentId: 'eb', startedAt: at(1) });
      // An experiment or parent of another project is unknown here.
      await expect(b.runs.create({ id: 'x1', experimentId: 'ea', startedAt: AT })).rejects.toBeInstanceOf(NotFoundError);
      await expect(b.runs.create({ id: 'x2', experimentId: 'eb', parentId: 'ra', startedAt: AT })).rejects.toBeInstanceOf(NotFoundError);
      expect(await b.runs.get('ra')).toBeNull();
      expect(await b.runs.getDetails('ra')).toBeNull();
      expect(await b.runs.metricHistory('ra')).toEqual([]);
      await expect(b.runs.logParams('ra', { algo: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(b.runs.end('ra', 'killed', at(2))).rejects.toBeInstanceOf(NotFoundError);
      await expect(b.runs.reopen('ra')).rejects.toBeInstanceOf(NotFoundError);
      expect(await b.runs.delete('ra')).toBe(false);
      // Search stays within the project, whatever the filter or experiment restriction.
      expect((await b.runs.search({})).items.map((r) => r.id)).toEqual(['rb']);
      expect((await b.runs.search({ filter: [{ kind: 'param', key: 'algo', op: '=', value: 'gbdt' }] })).items).toEqual([]);
      expect((await b.runs.search({ experimentIds: ['ea'] })).items).toEqual([]);
      expect((await b.runs.search({ filter: [{ kind: 'attribute', key: 'experiment', op: '=', value: 'churn' }] })).items.map((r) => r.id)).toEqual(['rb']);
      expect((await a.runs.search({})).items.map((r) => r.id)).toEqual(['ra']);
      expect((await runs.search({})).items).toEqual([]);
      expect((await a.runs.getDetails('ra'))?.params).toEqual({ algo: 'gbdt' });
      // gc sees every project's run artifacts.
      const hashes: string[] = [];
      for await (const h of runs.artifactHashes()) hashes.push(h);
      expect(hashes).toEqual([H1]);
    });

    describe('search', () => {
      beforeEach(async () => {
        for (let i = 0; i < 12; i++) {
          await runs.create({ id: `run-${String(i).padStart(2, '0')}`, experimentId: i % 3 === 0 ? 'exp2' : 'exp', startedAt: at(i) });
          await runs.logParams(`run-${String(i).padStart(2, '0')}`, { algo: i % 2 === 0 ? 'gbdt' : 'GBDT-linear', depth: String(i % 4) });
          const auc = i === 5 ? Number.NaN : i === 6 ? Infinity : i / 10;
          await runs.logMetrics(`run-${String(i).padStart(2, '0')}`, [{ key: 'valid.auc', value: auc, step: 1, timestamp: 1 }]);
          if (i % 4 === 0) await runs.setTags(`run-${String(i).padStart(2, '0')}`, { team: 'risk' });
          if (i >= 10) await runs.end(`run-${String(i).padStart(2, '0')}`, 'failed', at(20));
        }
      });

      const ids = (p: Page<RunSummary>) => p.items.map((r) => r.id);
      const all = async (s: RunSearch, limit: number): Promise<string[]> => {
        const out: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await runs.search({ ...s, page: { limit, cursor } });
          out.push(...ids(page));
          cursor = page.next;
        } while (cursor !== null);
        return out;
      };
      const c = (kind: RunQueryClause['kind'], key: string, op: RunQueryClause['op'], value: RunQueryClause['value']): RunQueryClause => ({ kind, key, op, value });

      it('filters on metrics, params, tags and attributes', async () => {
        expect(ids(await runs.search({ filter: [c('metric', 'valid.auc', '>', 0.75)] })).sort()).toEqual(['run-06', 'run-08', 'run-09', 'run-10', 'run-11']);
        expect(ids(await runs.search({ filter: [c('metric', 'valid.auc', '>', 0.75), c('param', 'algo', '=', 'gbdt'), c('tag', 'team', '=', 'risk')] }))).toEqual(['run-08']);
        expect(ids(await runs.search({ filter: [c('attribute', 'status', '=', 'failed')] })).sort()).toEqual(['run-10', 'run-11']);
        expect(ids(await runs.search({ filter: [c('attribute', 'experiment', '=', 'other')] })).sort()).toEqual(['run-00', 'run-03', 'run-06', 'run-09']);
        expect(ids(await runs.search({ filter: [c('param', 'depth', 'in', ['1', '2'])] })).length).toBe(6);
        // like is case-sensitive on both dialects; ilike is not.
        expect(ids(await runs.search({ filter: [c('param', 'algo', 'like', 'gbdt%')] })).length).toBe(6);
        expect(ids(await runs.search({ filter: [c('param', 'algo', 'ilike', 'gbdt%')] })).length).toBe(12);
        expect(ids(await runs.search({ filter: [c('attribute', 'startedAt', '>=', at(10))] })).sort()).toEqual(['run-10', 'run-11']);
        expect(ids(await runs.search({ filter: [c('param', 'algo', '=', "x' or 1=1 --")] }))).toEqual([]);
        expect(ids(await runs.search({ experimentIds: ['exp2'] })).length).toBe(4);
        const one = (await runs.search({ filter: [c('attribute', 'id', '=', 'run-04')] })).items[0];
        expect(one).toMatchObject({ params: { algo: 'gbdt', depth: '0' }, metrics: { 'valid.auc': 0.4 }, tags: { team: 'risk' }, experiment: 'default' });
      });

      it('orders by metrics (NaN last) and pages with keyset cursors', async () => {
        const byAuc = await all({ orderBy: [{ kind: 'metric', key: 'valid.auc', direction: 'desc' }] }, 5);
        expect(byAuc).toEqual(['run-06', 'run-11', 'run-10', 'run-09', 'run-08', 'run-07', 'run-04', 'run-03', 'run-02', 'run-01', 'run-00', 'run-05']);
        const byAlgoThenId = await all({ orderBy: [{ kind: 'param', key: 'algo', direction: 'asc' }, { kind: 'tag', key: 'team', direction: 'asc' }] }, 4);
        expect(byAlgoThenId).toEqual(['run-01', 'run-03', 'run-05', 'run-07', 'run-09', 'run-11', 'run-00', 'run-04', 'run-08', 'run-02', 'run-06', 'run-10']);
        expect(await all({}, 5)).toEqual(Array.from({ length: 12 }, (_, i) => `run-${String(11 - i).padStart(2, '0')}`));
        const first = await runs.search({ page: { limit: 2 } });
        await expect(runs.search({ orderBy: [{ kind: 'metric', key: 'valid.auc', direction: 'asc' }], page: { cursor: first.next } })).rejects.toBeInstanceOf(UsageError);
        await expect(runs.search({ page: { limit: 0 } })).rejects.toBeInstanceOf(UsageError);
      });
    });
  });
}
