/**
 * Dialect-agnostic SQL implementation of the experiment repository (Kysely). Names are unique per
 * project (a unique constraint; a violation is a ConflictError); lists are keyset-paged on the name.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, UsageError } from '../../core/errors.js';
import type { ExperimentRecord, ExperimentRepository, NewExperiment } from '../experiment-repository.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { Page, PageRequest } from '../page.js';
import type { ExperimentsTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const LIST = 'experiments';
/** Longest experiment name; names show in tables and URLs. */
export const MAX_EXPERIMENT_NAME = 200;

/** True when `s` holds a control character (names and keys show in terminals and URLs). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

/** Checks an experiment name: 1..200 characters, no control characters. */
export function checkExperimentName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_EXPERIMENT_NAME || hasControl(name)) {
    throw new UsageError(`experiment name must be 1 to ${MAX_EXPERIMENT_NAME} characters without control characters`, { field: 'name' });
  }
  return name;
}

function toRecord(r: Selectable<ExperimentsTable>): ExperimentRecord {
  return { id: r.id, project: r.project, name: r.name, description: r.description, createdAt: r.created_at };
}

/** Experiment repository over any Kysely connection or transaction. */
export class SqlExperimentRepository implements ExperimentRepository {
  /** Experiments of `project`. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly project: string,
  ) {}

  async create(input: NewExperiment): Promise<ExperimentRecord> {
    const row = {
      id: input.id,
      project: this.project,
      name: checkExperimentName(input.name),
      description: input.description ?? null,
      created_at: input.createdAt,
    };
    try {
      await this.db.insertInto('experiments').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`experiment '${row.name}' already exists in project '${row.project}'`, { field: 'name' });
      throw err;
    }
    return toRecord(row);
  }

  async ensure(input: NewExperiment): Promise<ExperimentRecord> {
    await this.db
      .insertInto('experiments')
      .values({ id: input.id, project: this.project, name: checkExperimentName(input.name), description: input.description ?? null, created_at: input.createdAt })
      .onConflict((oc) => oc.columns(['project', 'name']).doNothing())
      .execute();
    return (await this.getByName(input.name)) as ExperimentRecord;
  }

  async get(id: string): Promise<ExperimentRecord | null> {
    const row = await this.db.selectFrom('experiments').selectAll().where('project', '=', this.project).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async getByName(name: string): Promise<ExperimentRecord | null> {
    const row = await this.db.selectFrom('experiments').selectAll().where('project', '=', this.project).where('name', '=', name).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(page: PageRequest = {}): Promise<Page<ExperimentRecord>> {
    const limit = pageLimit(page.limit);
    let query = this.db.selectFrom('experiments').selectAll().where('project', '=', this.project);
    if (page.cursor != null) {
      const [after] = decodeCursor(LIST, page.cursor, ['string'] as const);
      query = query.where('name', '>', after);
    }
    const rows = await query.orderBy('name').limit(limit + 1).execute();
    return toPage(rows, limit, toRecord, (e) => [e.name], LIST);
  }
}
