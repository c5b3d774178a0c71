/** The capture settings cache over the real endpoint repository (SQLite): rates per project and endpoint, reloads on change. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqliteMetadataStore } from '../../store/sqlite/sqlite-metadata-store.js';
import { EndpointCaptureSettingsCache } from './endpoint-capture-settings.js';

let dir = '';
let store: MetadataStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-capture-settings-'));
  store = await openSqliteMetadataStore(join(dir, 'kiln.db'));
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const endpoint = (name: string, rate: number) => ({ name, variants: [{ name: 'main', model: 'trained:abc', weight: 1 }], settings: { unseenCategories: 'missing' as const, batching: null, captureSampleRate: rate }, createdAt: '2026-03-01T00:00:00.000Z' });

describe('EndpointCaptureSettingsCache', () => {
  it('maps each endpoint of each project to its capture rate and reloads when endpoints change', async () => {
    await store.endpoints.create(endpoint('churn', 0.1));
    await store.inProject('alpha').endpoints.create(endpoint('churn', 0.5));
    const masking = { version: 1 as const, rules: [{ column: 'email', action: 'hash' as const }] };
    const cache = new EndpointCaptureSettingsCache(store.endpoints, { pollMs: 0, maskingFor: (p) => (p === 'alpha' ? masking : null) });
    await cache.start();
    expect(cache.lookup('default', 'churn')).toEqual({ sampleRate: 0.1, masking: null, attributions: false });
    expect(cache.lookup('alpha', 'churn')).toEqual({ sampleRate: 0.5, masking, attributions: false });
    expect(cache.lookup('default', 'nope')).toBeUndefined();
    await store.endpoints.create({ ...endpoint('fraud', 1), settings: { ...endpoint('fraud', 1).settings, captureAttributions: true } });
    expect(cache.lookup('default', 'fraud')).toBeUndefined();
    await cache.refresh();
    expect(cache.lookup('default', 'fraud')).toEqual({ sampleRate: 1, masking: null, attributions: true });
    cache.stop();
  });
});
