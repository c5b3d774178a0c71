/**
 * One `ModelSource` over several, picked by how a reference is spelled (`referenceKind`). A kind with no
 * source configured is refused with a message saying what is available, never guessed.
 */
import { UsageError } from '../core/errors.js';
import type { ModelSource, ReferenceKind, ResolvedModel } from './model-source.js';
import { referenceKind } from './model-source.js';

const HINTS: Record<ReferenceKind, string> = {
  trained: 'Use a bundle file or a registered NAME@VERSION.',
  file: 'Bundle files are only served from the command line (`kiln endpoints create` / `kiln serve`); register the model or use trained:ID.',
  registry: 'NAME@VERSION references need the model registry; use trained:ID (see `kiln train`) or a bundle file from the command line.',
};

/** Dispatches to the source for each reference kind. */
export class CompositeModelSource implements ModelSource {
  constructor(private readonly sources: Partial<Record<ReferenceKind, ModelSource>>) {}

  resolve(ref: string, project: string): Promise<ResolvedModel> {
    const kind = referenceKind(ref);
    const source = this.sources[kind];
    if (!source) return Promise.reject(new UsageError(`model reference "${ref.slice(0, 200)}" (${kind}) is not available here`, { field: 'model' }, HINTS[kind]));
    return source.resolve(ref, project);
  }

  /** A copy without the file source (for references arriving over HTTP: no server paths). */
  withoutFiles(): CompositeModelSource {
    const { file: _file, ...rest } = this.sources;
    return new CompositeModelSource(rest);
  }
}
