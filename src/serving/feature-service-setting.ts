/**
 * The endpoint setting `featureService`: which feature service `predict-from-features` reads. It is
 * checked against the project's registered feature definitions when it is set, so a typo is a 400 at
 * `kiln endpoints create|update`, not a failure on the first prediction.
 */
import { InputError } from '../core/errors.js';
import type { RegisteredDefinitions } from '../features/definitions.js';
import type { MetadataStore } from '../store/metadata-store.js';

/** InputError unless `service` (when given) is a feature service registered in `metadata`'s project. */
export async function checkFeatureServiceSetting(metadata: MetadataStore, service: string | null | undefined): Promise<void> {
  if (service === undefined || service === null) return;
  const entry = await metadata.featureRegistry.latest();
  const names = entry ? (JSON.parse(entry.document) as RegisteredDefinitions).featureServices.map((s) => s.name) : [];
  if (names.includes(service)) return;
  throw new InputError(
    `settings.featureService: no feature service '${service}' is registered in project '${metadata.project}'`,
    { field: 'settings.featureService' },
    names.length > 0 ? `Registered services: ${names.slice(0, 20).join(', ')}.` : 'Register feature definitions first with `kiln features apply`.',
  );
}
