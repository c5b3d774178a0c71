/**
 * Attaching an expectation suite to a dataset: the suite is validated, stored as an artifact and
 * recorded in `metadata.attachedSuites`; appends (HTTP rows, stream ingestion) check rows against it.
 */
import { InternalError } from '../../core/errors.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { AttachedSuite } from '../../store/attached-suite-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { checkDatasetName } from '../datasets/data-ref.js';
import { parseSuite } from '../validation/suite.js';
import type { Suite } from '../validation/suite.js';

/** Validates `suiteJson` and attaches it to dataset `name` (replacing any attached suite). */
export async function attachSuite(metadata: MetadataStore, artifacts: ArtifactStore, name: string, suiteJson: unknown, sourceLabel?: string): Promise<AttachedSuite> {
  checkDatasetName(name);
  const suite = parseSuite(suiteJson, sourceLabel);
  const ref = await artifacts.put(Buffer.from(`${JSON.stringify(suite, null, 2)}\n`, 'utf8'));
  const attached: AttachedSuite = { dataset: name, suiteName: suite.name, artifactHash: ref.hash, attachedAt: new Date().toISOString() };
  await metadata.attachedSuites.attach(attached);
  return attached;
}

/** Detaches the suite of dataset `name`; false when none was attached. */
export async function detachSuite(metadata: MetadataStore, name: string): Promise<boolean> {
  checkDatasetName(name);
  return metadata.attachedSuites.detach(name);
}

/** The suite attached to dataset `name`, or null. */
export async function loadAttachedSuite(metadata: MetadataStore, artifacts: ArtifactStore, name: string): Promise<Suite | null> {
  const attached = await metadata.attachedSuites.get(name);
  if (!attached) return null;
  try {
    return parseSuite(JSON.parse(Buffer.from(await artifacts.get(attached.artifactHash)).toString('utf8')), `suite attached to ${name}`);
  } catch (err) {
    throw new InternalError(`the suite attached to dataset ${name} (${attached.artifactHash}) cannot be read`, { dataset: name }, { cause: err });
  }
}
