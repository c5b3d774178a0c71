/**
 * `ModelSource`: the port through which serving turns a model reference (`trained:ID`, a bundle file,
 * `NAME@VERSION` or `NAME@ALIAS` from the registry) into a canonical key and a loader. Endpoints store
 * references as written; servers resolve them, load each key once, and re-resolve moving references
 * (aliases) periodically to hot-swap.
 */

/** A resolved model reference. */
export interface ResolvedModel {
  /** Canonical identity of the exact model: `NAME@VERSION`, `trained:ID` or `sha256:<bundle checksum>`. */
  readonly key: string;
  /** Whether the reference may point elsewhere later (an alias): servers re-resolve it. */
  readonly moving: boolean;
  /** The bundle document (JSON text), read from wherever the model lives. */
  load(): Promise<string>;
  /** `onnx`: an imported ONNX model, read with `loadBytes` and scored through ONNX Runtime. Absent: a Kiln bundle. */
  readonly format?: 'onnx';
  /** The ONNX model's bytes (`format: 'onnx'`). */
  loadBytes?(): Promise<Uint8Array>;
}

/** Resolves model references for a project. */
export interface ModelSource {
  /** NotFoundError for an unknown model, UsageError for a malformed reference. */
  resolve(ref: string, project: string): Promise<ResolvedModel>;
}

/** How a reference is spelled, to pick a source. */
export type ReferenceKind = 'trained' | 'file' | 'registry';

/** The kind of a reference: `trained:ID`, a path (has `/` or ends in `.json`, or `file:`), else registry `NAME@...`. */
export function referenceKind(ref: string): ReferenceKind {
  if (ref.startsWith('trained:')) return 'trained';
  if (ref.startsWith('file:') || ref.includes('/') || ref.endsWith('.json')) return 'file';
  return 'registry';
}
