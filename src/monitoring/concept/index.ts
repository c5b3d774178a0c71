/** Streaming concept-drift detectors by name: ADWIN, DDM and Page-Hinkley. */
import { InputError } from '../../core/errors.js';
import { Adwin, type AdwinOptions } from './adwin.js';
import type { ConceptDetectorState, ConceptDriftDetector } from './concept-detector.js';
import { Ddm, type DdmOptions } from './ddm.js';
import { PageHinkley, type PageHinkleyOptions } from './page-hinkley.js';

export { Adwin, Ddm, PageHinkley };
export type { AdwinOptions, DdmOptions, PageHinkleyOptions };
export { detectionIndices, type ConceptDetectorState, type ConceptDriftDetector, type ConceptDriftSignal } from './concept-detector.js';

/** Every concept-drift detector Kiln knows, by registry name. */
export const CONCEPT_DETECTORS = {
  adwin: (options: AdwinOptions = {}): ConceptDriftDetector => new Adwin(options),
  ddm: (options: DdmOptions = {}): ConceptDriftDetector => new Ddm(options),
  page_hinkley: (options: PageHinkleyOptions = {}): ConceptDriftDetector => new PageHinkley(options),
} as const;

/** A detector name the registry knows. */
export type ConceptDetectorName = keyof typeof CONCEPT_DETECTORS;

/** Builds a detector by name; InputError naming the known ones otherwise. */
export function createConceptDetector(name: string, options: Record<string, number> = {}): ConceptDriftDetector {
  if (!Object.hasOwn(CONCEPT_DETECTORS, name)) {
    throw new InputError(`unknown concept-drift detector '${name}'; use one of ${Object.keys(CONCEPT_DETECTORS).join(', ')}`, { field: 'detector' });
  }
  return CONCEPT_DETECTORS[name as ConceptDetectorName](options);
}

const RESTORE: Record<ConceptDetectorName, (saved: ConceptDetectorState) => ConceptDriftDetector> = {
  adwin: (saved) => Adwin.fromState(saved),
  ddm: (saved) => Ddm.fromState(saved),
  page_hinkley: (saved) => PageHinkley.fromState(saved),
};

/** Rebuilds a detector from `detector.state()`, so a stream can continue across monitor windows. */
export function restoreConceptDetector(saved: ConceptDetectorState): ConceptDriftDetector {
  if (typeof saved !== 'object' || saved === null || !Object.hasOwn(RESTORE, saved.detector)) {
    throw new InputError(`saved concept-drift state names no known detector; use one of ${Object.keys(RESTORE).join(', ')}`, { field: 'detector' });
  }
  if (typeof saved.options !== 'object' || saved.options === null || typeof saved.memory !== 'object' || saved.memory === null) {
    throw new InputError(`saved ${saved.detector} state lacks its options or memory; start a fresh detector`, { field: 'state' });
  }
  return RESTORE[saved.detector as ConceptDetectorName](saved);
}
