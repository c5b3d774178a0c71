/**
 * The experiment repository (`metadata.experiments`): named groups of tracked runs, one name per project.
 * A repository acts in one project (`metadata.inProject(p).experiments`; `default` on the store itself).
 * Held to its semantics on every adapter by `experiment-repository.contract.ts`.
 */
import type { Page, PageRequest } from './page.js';

/** The project a store's repositories act in unless `inProject` names another. */
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
  /** One experiment of the project by id, or null (also for another project's id). */
  get(id: string): Promise<ExperimentRecord | null>;
  /** One experiment of the project by name, or null. */
  getByName(name: string): Promise<ExperimentRecord | null>;
  /** Experiments of a project ordered by name, one page at a time. */
  list(page?: PageRequest): Promise<Page<ExperimentRecord>>;
}
