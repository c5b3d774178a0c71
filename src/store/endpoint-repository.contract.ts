/**
 * Conformance suite for the endpoint repository (`metadata.endpoints`): create/get/list per project,
 * unique names, updates with revisions, delete, the change counter, transactions, and bad specs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
import type { EndpointRepository, EndpointSettings, NewEndpoint } from './endpoint-repository.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';

const AT = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-02T00:00:00.000Z';
const SETTINGS: EndpointSettings = { unseenCategories: 'missing', batching: null, captureSampleRate: 0.1 };

function spec(name: string, extra: Partial<NewEndpoint> = {}): NewEndpoint {
  return { name, variants: [{ name: 'main', model: 'churn@production', weight: 1 }], settings: SETTINGS, createdAt: AT, ...extra };
}

/** Registers the endpoint repository conformance tests for one adapter. */
export function describeEndpointRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`EndpointRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let endpoints: EndpointRepository;

    beforeEach(async () => {
      harness = await createHarness();
      endpoints = harness.store.endpoints;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('creates, gets, refuses a duplicate name per project, and scopes by project', async () => {
      const v0 = await endpoints.changeVersion();
      const e = await endpoints.create(spec('churn'));
      expect(e).toEqual({ project: 'default', name: 'churn', variants: [{ name: 'main', model: 'churn@production', weight: 1 }], settings: SETTINGS, createdAt: AT, updatedAt: AT, revision: 1 });
      expect(await endpoints.get('churn')).toEqual(e);
      expect(await endpoints.get('nope')).toBeNull();
      await expect(endpoints.create(spec('churn'))).rejects.toBeInstanceOf(ConflictError);
      const other = harness.store.inProject('other').endpoints;
      await other.create(spec('churn'));
      expect((await other.get('churn'))?.project).toBe('other');
      expect((await other.list()).items.map((x) => x.name)).toEqual(['churn']);
      expect(await other.delete('nope')).toBe(false);
      expect(await endpoints.changeVersion()).toBe(v0 + 2);
      const all = await endpoints.listAll();
      expect(all.map((x) => `${x.project}/${x.name}`)).toEqual(['default/churn', 'other/churn']);
    });

    it('updates with a revision check and bumps the change counter; deletes', async () => {
      await endpoints.create(spec('a'));
      const v1 = await endpoints.changeVersion();
      const batching = { maxBatchSize: 32, maxWaitMs: 2 };
      const u = await endpoints.update('a', { variants: [{ name: 'blue', model: 'm@2', weight: 3 }], settings: { ...SETTINGS, batching }, updatedAt: LATER, expectedRevision: 1 });
      expect(u).toMatchObject({ revision: 2, updatedAt: LATER, createdAt: AT, variants: [{ name: 'blue', model: 'm@2', weight: 3 }], settings: { batching } });
      expect(await endpoints.get('a')).toEqual(u);
      expect(await endpoints.changeVersion()).toBe(v1 + 1);
      await expect(endpoints.update('a', { variants: u.variants, settings: u.settings, updatedAt: LATER, expectedRevision: 1 })).rejects.toBeInstanceOf(ConflictError);
      await expect(endpoints.update('zzz', { variants: u.variants, settings: u.settings, updatedAt: LATER })).rejects.toBeInstanceOf(NotFoundError);
      expect(await endpoints.delete('a')).toBe(true);
      const v2 = await endpoints.changeVersion();
      expect(await endpoints.delete('a')).toBe(false);
      expect(await endpoints.get('a')).toBeNull();
      expect(await endpoints.changeVersion()).toBe(v2);
      expect(v2).toBe(v1 + 2);
    });

    it('stores a capture masking document as given and clears it', async () => {
      const captureMasking = { version: 1, rules: [{ column: 'email', action: 'hash' }, { column: 'card', action: 'partial', keep: 4 }] };
      const e = await endpoints.create(spec('masked', { settings: { ...SETTINGS, captureMasking } }));
      expect(e.settings.captureMasking).toEqual(captureMasking);
      expect((await endpoints.get('masked'))?.settings.captureMasking).toEqual(captureMasking);
      const cleared = await endpoints.update('masked', { variants: e.variants, settings: { ...SETTINGS }, updatedAt: LATER });
      expect(cleared.settings.captureMasking).toBeUndefined();
      await expect(endpoints.create(spec('bad-mask', { settings: { ...SETTINGS, captureMasking: 'all' } as unknown as EndpointSettings }))).rejects.toBeInstanceOf(UsageError);
    });

    it('stores capture attributions when on, omits them when off, refuses a non-boolean', async () => {
      const e = await endpoints.create(spec('shap', { settings: { ...SETTINGS, captureAttributions: true } }));
      expect((await endpoints.get('shap'))?.settings.captureAttributions).toBe(true);
      const off = await endpoints.update('shap', { variants: e.variants, settings: { ...SETTINGS, captureAttributions: false }, updatedAt: LATER });
      expect(off.settings).not.toHaveProperty('captureAttributions');
      await expect(endpoints.create(spec('bad-shap', { settings: { ...SETTINGS, captureAttributions: 'yes' } as unknown as EndpointSettings }))).rejects.toBeInstanceOf(UsageError);
    });

    it('stores a feature service name and clears it; refuses one that is not a name', async () => {
      const e = await endpoints.create(spec('served', { settings: { ...SETTINGS, featureService: 'churn_v1' } }));
      expect((await endpoints.get('served'))?.settings.featureService).toBe('churn_v1');
      const cleared = await endpoints.update('served', { variants: e.variants, settings: { ...SETTINGS }, updatedAt: LATER });
      expect(cleared.settings.featureService).toBeUndefined();
      await expect(endpoints.create(spec('bad-service', { settings: { ...SETTINGS, featureService: 'no such!' } }))).rejects.toBeInstanceOf(UsageError);
    });

    it('pages by name', async () => {
      for (let i = 0; i < 5; i++) await endpoints.create(spec(`ep-${4 - i}`));
      const first = await endpoints.list({ limit: 2 });
      expect(first.items.map((e) => e.name)).toEqual(['ep-0', 'ep-1']);
      const second = await endpoints.list({ limit: 2, cursor: first.next });
      expect(second.items.map((e) => e.name)).toEqual(['ep-2', 'ep-3']);
      const third = await endpoints.list({ limit: 2, cursor: second.next });
      expect(third).toEqual({ items: [expect.objectContaining({ name: 'ep-4' })], next: null });
      await expect(endpoints.list({ cursor: 'garbage!' })).rejects.toBeInstanceOf(UsageError);
      expect((await harness.store.inProject('empty').endpoints.list({})).items).toEqual([]);
    });

    it('a write inside a failed transaction leaves nothing, counter included', async () => {
      const v0 = await endpoints.changeVersion();
      await expect(
        harness.store.transaction(async (tx) => {
          await tx.endpoints.create(spec('tx'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await endpoints.get('tx')).toBeNull();
      expect(await endpoints.changeVersion()).toBe(v0);
    });

    it('refuses hostile names, bad variants and bad settings, writing nothing', async () => {
      const v0 = await endpoints.changeVersion();
      for (const name of ['', 'A', '-x', 'a/b', 'a b', 'x'.repeat(64), '../etc', 'é']) {
        await expect(endpoints.create(spec(name))).rejects.toBeInstanceOf(UsageError);
      }
      const badVariants: unknown[] = [[], [{ name: 'a', model: 'm', weight: 0 }], [{ name: 'a', model: '', weight: 1 }], [{ name: 'a', model: 'm', weight: 1 }, { name: 'a', model: 'n', weight: 1 }], [{ name: 'a', model: 'm\n', weight: 1 }], [{ name: 'a', model: 'm', weight: Number.NaN }], 'x'];
      for (const variants of badVariants) {
        await expect(endpoints.create(spec('ok', { variants: variants as NewEndpoint['variants'] }))).rejects.toBeInstanceOf(UsageError);
      }
      const badSettings: unknown[] = [{ ...SETTINGS, unseenCategories: 'drop' }, { ...SETTINGS, captureSampleRate: 2 }, { ...SETTINGS, batching: { maxBatchSize: 0, maxWaitMs: 1 } }, { ...SETTINGS, batching: { maxBatchSize: 8, maxWaitMs: -1 } }, null];
      for (const settings of badSettings) {
        await expect(endpoints.create(spec('ok', { settings: settings as EndpointSettings }))).rejects.toBeInstanceOf(UsageError);
      }
      expect(await endpoints.get('ok')).toBeNull();
      expect(await endpoints.changeVersion()).toBe(v0);
    });
  });
}
