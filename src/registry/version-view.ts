/** The wire shape of a model version (CLI `--json` and HTTP): the stored record plus its pinned `ref`. */
import type { ModelVersionRecord } from '../store/model-registry-repository.js';

/** A version as the CLI and HTTP API print it. */
export type ModelVersionView = ModelVersionRecord & { ref: string; aliases?: string[] };

/** The view of a version (aliases when known). */
export function versionView(v: ModelVersionRecord & { aliases?: string[] }): ModelVersionView {
  const { name, version, ...rest } = v;
  return { name, version, ref: `${name}@${version}`, ...rest };
}
