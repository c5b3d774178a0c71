/**
 * Reference tracking for artifacts: every repository that stores artifact hashes in metadata exposes them
 * through an `ArtifactReferenceProvider`, and the composition root (`openKiln`) lists the providers.
 * Garbage collection treats the union as the live set; a blob nobody references is garbage. A new
 * repository that points at artifacts must add its provider there, or gc would delete its blobs.
 */

/** One repository's references to artifacts, e.g. `dataset_versions.artifact_hash`. */
export interface ArtifactReferenceProvider {
  /** Where the references live, for reports (`dataset_versions.artifact_hash`). */
  readonly name: string;
  /** Every artifact hash the repository references (duplicates allowed). */
  artifactHashes(): AsyncIterable<string>;
}

/** The live set: every hash any provider references. A provider that fails fails the whole call. */
export async function collectArtifactReferences(providers: readonly ArtifactReferenceProvider[]): Promise<Set<string>> {
  const live = new Set<string>();
  for (const provider of providers) {
    for await (const hash of provider.artifactHashes()) live.add(hash);
  }
  return live;
}
