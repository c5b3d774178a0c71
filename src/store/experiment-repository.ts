/**
 * The experiment repository (`metadata.experiments`): named groups of tracked runs, one name per project.
 * Held to its semantics on every adapter by `experiment-repository.contract.ts`.
 */
import type { Page, PageRequest } from './page.js';

/** The project every experiment belongs to until projects are chosen per request. */
export const DEFAULT_PROJECT = 'default';

/** An experiment as stored. */
export interface ExperimentRecord {
  id: string;
  project: string;
  name: string;
  description: string | null;
  createdAt: string;
}

/** What a caller creates. */
export interface NewExperiment {
  id: string;
  project?: string;
  name: string;
  description?: string | null;
  createdAt: string;
}

/** Experiments metadata. */
export interface ExperimentRepository {
  /** Creates an experiment; a name already used in the project is a ConflictError. */
  create(input: NewExperiment): Promise<ExperimentRecord>;
  /** Creates the experiment unless one of that name exists in the project; returns the stored one either way. */
  ensure(input: NewExperiment): Promise<ExperimentRecord>;
  /** One experiment by id, or null. */
  get(id: string): Promise<ExperimentRecord | null>;
  /** One experiment by project and name, or null. */
  getByName(name: string, project?: string): Promise<ExperimentRecord | null>;
  /** Experiments of a project ordered by name, one page at a time. */
  list(page?: PageRequest, project?: string): Promise<Page<ExperimentRecord>>;
}
