/**
 * Resolve a CLI `--model`: an existing bundle file as is (no store opened), or a registered model
 * reference (`NAME@VERSION`, `NAME@ALIAS`, `NAME@production`, `NAME@latest`) through `kiln.registry`,
 * which verifies the stored bundle's checksum. Anything else is "no such bundle file".
 */
import { readFile, stat } from 'node:fs/promises';
import { NotFoundError, UsageError } from '../core/errors.js';
import type { ModelBundle } from '../runtime/bundle-types.js';
import type { LazyKiln } from './with-kiln.js';

/** A registered ONNX version: scored through ONNX Runtime from its (materialized) artifact file. */
export interface RegisteredOnnxModel {
  readonly onnxFile: string;
  readonly ref: string;
}

/** A model to score: its bundle (text from a file, or the parsed registry bundle) and a label for errors. */
export interface ResolvedModelSource {
  readonly onnxFile?: undefined;
  readonly bundle: string | ModelBundle;
  readonly label: string;
  /** The bundle file, when `--model` was a file (for output guards). */
  readonly file?: string;
  /** The pinned `NAME@VERSION`, when `--model` was a reference. */
  readonly ref?: string;
}

/** Resolve `--model` (a file path or a model reference); a registered ONNX version comes back as its artifact file. */
export async function resolveModelSource(kiln: LazyKiln, model: string): Promise<ResolvedModelSource | RegisteredOnnxModel> {
  const st = await stat(model).catch(() => null);
  if (st?.isFile()) return { bundle: await readFile(model, 'utf8'), label: model, file: model };
  const { looksLikeModelRef } = await import('../registry/model-ref.js');
  if (!st && looksLikeModelRef(model)) {
    const k = await kiln.get();
    const resolved = await k.registry.resolve(model);
    // The artifact store keeps blobs by hash (no extension); the ONNX path recognizes them by content.
    if (resolved.format === 'onnx') return { onnxFile: await k.artifacts.materialize(resolved.artifactHash), ref: resolved.ref };
    const bundle = await k.registry.loadBundle(resolved.ref);
    return { bundle, label: resolved.ref, ref: resolved.ref };
  }
  throw new NotFoundError(
    `model bundle not found: ${model}`,
    { file: model },
    'Pass the file written by `kiln train --out`, or a registered model as NAME@VERSION, NAME@ALIAS, NAME@production or NAME@latest (see `kiln models list`).',
  );
}

/** A Kiln bundle's text for commands that score bundles only (`kiln batch`, `kiln explain`): a file or a reference; ONNX versions refused. */
export async function resolveBundleText(kiln: LazyKiln, model: string, command: string): Promise<{ text: string; label: string; file?: string }> {
  const source = await resolveModelSource(kiln, model);
  if (source.onnxFile !== undefined) {
    throw new UsageError(`${command} works on Kiln bundles; ${source.ref} is a registered ONNX model`, { field: 'model', model }, 'Score ONNX models with `kiln predict --model REF`.');
  }
  const { stringifyBundle } = await import('../runtime/bundle.js');
  const text = typeof source.bundle === 'string' ? source.bundle : stringifyBundle(source.bundle);
  return { text, label: source.label, ...(source.file !== undefined ? { file: source.file } : {}) };
}
