/** Streaming concept-drift detectors by name: ADWIN, DDM and Page-Hinkley. */
import { InputError } from '../../core/errors.js';
import { Adwin, type AdwinOptions } from './adwin.js';
import type { ConceptDriftDetector } from './concept-detector.js';
import { Ddm, type DdmOptions } from './ddm.js';
import { PageHinkley, type PageHinkleyOptions } from './page-hinkley.js';

export { Adwin, Ddm, PageHinkley };
export type { AdwinOptions, DdmOptions, PageHinkleyOptions };
export { detectionIndices, type ConceptDriftDetector, type ConceptDriftSignal } from './concept-detector.js';

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
