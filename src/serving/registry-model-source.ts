/**
 * Model references `NAME@VERSION` and `NAME@ALIAS` through the model registry. Serving only needs two
 * calls, so it names them here (`RegistryLookup`) instead of importing the registry's service: the
 * composition root passes `kiln.registry`. A version number never moves; an alias does, so servers
 * re-resolve it and hot-swap when it points elsewhere. ONNX versions load their bytes (`loadArtifact`) and are
 * scored through ONNX Runtime (`OnnxLoadedModel`).
 */
import { UsageError } from '../core/errors.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/** What the registry answers for a reference. */
export interface RegistryResolution {
  /** Canonical `NAME@VERSION`. */
  readonly ref: string;
  /** Artifact format: `kiln-bundle` (served by Kiln's scorer) or `onnx` (served through ONNX Runtime). */
  readonly format?: string;
}

/** The two registry calls serving uses. */
export interface RegistryLookup {
  resolve(ref: string, project: string): Promise<RegistryResolution>;
  loadBundle(ref: string, project?: string): Promise<unknown>;
  /** The stored bytes of a version (ONNX models); without it ONNX versions are refused. */
  loadArtifact?(ref: string, project?: string): Promise<{ bytes: Uint8Array }>;
}

/** Resolves registry references; bundles come back as text (objects are serialized). */
export class RegistryModelSource implements ModelSource {
  constructor(private readonly registry: RegistryLookup) {}

  async resolve(ref: string, project: string): Promise<ResolvedModel> {
    const r = await this.registry.resolve(ref, project);
    const at = ref.lastIndexOf('@');
    const moving = at < 0 || !/^\d+$/.test(ref.slice(at + 1));
    const registry = this.registry;
    if (r.format === 'onnx' && registry.loadArtifact) {
      const loadArtifact = registry.loadArtifact.bind(registry);
      return {
        key: r.ref,
        moving,
        format: 'onnx',
        load: () => Promise.reject(new UsageError(`model ${r.ref} is an ONNX model, not a Kiln bundle`, { field: 'model' })),
        loadBytes: async () => (await loadArtifact(r.ref, project)).bytes,
      };
    }
    if (r.format !== undefined && r.format !== 'kiln-bundle' && r.format !== 'kiln' && r.format !== 'kiln.model') {
      throw new UsageError(`model ${r.ref} is a ${r.format} artifact; this server scores Kiln bundles`, { field: 'model' }, 'Register a Kiln bundle version, or serve the model with a runtime for its format.');
    }
    return {
      key: r.ref,
      moving,
      load: async () => {
        const b = await registry.loadBundle(r.ref, project);
        return typeof b === 'string' ? b : JSON.stringify(b);
      },
    };
  }
}
