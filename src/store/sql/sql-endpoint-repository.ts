/**
 * Dialect-agnostic SQL implementation of the endpoint repository (Kysely). Each write and the bump of the
 * `endpoint_changes` counter commit in one transaction (joined when the caller already holds one).
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { EndpointRecord, EndpointRepository, EndpointUpdate, NewEndpoint } from '../endpoint-repository.js';
import { checkEndpointName, checkSettings, checkVariants } from '../endpoint-spec-check.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { Page, PageRequest } from '../page.js';
import type { EndpointsTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const LIST = 'endpoints';

function toRecord(r: Selectable<EndpointsTable>): EndpointRecord {
  return {
    project: r.project,
    name: r.name,
    variants: JSON.parse(r.variants_json) as EndpointRecord['variants'],
    settings: JSON.parse(r.settings_json) as EndpointRecord['settings'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    revision: Number(r.revision),
  };
}

/** Endpoint repository over any Kysely connection or transaction. */
export class SqlEndpointRepository implements EndpointRepository {
  /** `inTransaction`: `db` is an open transaction, so writes join it; `project`: the rows it acts on. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  /** Runs `fn` and bumps the change counter in one transaction, unless `changed` says nothing changed. */
  private write<T>(fn: (trx: Kysely<KilnDatabase>) => Promise<T>, changed: (out: T) => boolean = () => true): Promise<T> {
    const run = async (trx: Kysely<KilnDatabase>): Promise<T> => {
      const out = await fn(trx);
      if (changed(out)) await trx.updateTable('endpoint_changes').set({ version: sql`version + 1` }).where('id', '=', 'all').execute();
      return out;
    };
    return this.inTransaction ? run(this.db) : this.db.transaction().execute((trx: Transaction<KilnDatabase>) => run(trx));
  }

  async create(input: NewEndpoint): Promise<EndpointRecord> {
    const row = {
      project: this.project,
      name: checkEndpointName(input.name),
      variants_json: JSON.stringify(checkVariants(input.variants)),
      settings_json: JSON.stringify(checkSettings(input.settings)),
      created_at: input.createdAt,
      updated_at: input.createdAt,
      revision: 1,
    };
    try {
      await this.write((trx) => trx.insertInto('endpoints').values(row).execute());
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`endpoint "${row.name}" already exists in project "${row.project}"`, { field: 'name' }, 'Pick another name, or change it with `kiln endpoints update`.');
      throw err;
    }
    return toRecord(row);
  }

  async get(name: string): Promise<EndpointRecord | null> {
    const project = this.project;
    const row = await this.db.selectFrom('endpoints').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(page: PageRequest = {}): Promise<Page<EndpointRecord>> {
    const project = this.project;
    const limit = pageLimit(page.limit);
    let query = this.db.selectFrom('endpoints').selectAll().where('project', '=', project);
    if (page.cursor != null) {
      const [after] = decodeCursor(LIST, page.cursor, ['string'] as const);
      query = query.where('name', '>', after);
    }
    const rows = await query.orderBy('name').limit(limit + 1).execute();
    return toPage(rows, limit, toRecord, (e) => [e.name], LIST);
  }

  async listAll(): Promise<EndpointRecord[]> {
    const rows = await this.db.selectFrom('endpoints').selectAll().orderBy('project').orderBy('name').execute();
    return rows.map(toRecord);
  }

  async update(name: string, update: EndpointUpdate): Promise<EndpointRecord> {
    const project = this.project;
    const variants = JSON.stringify(checkVariants(update.variants));
    const settings = JSON.stringify(checkSettings(update.settings));
    return this.write(async (trx) => {
      const current = await trx.selectFrom('endpoints').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
      if (!current) throw notFound(name, project);
      const revision = Number(current.revision);
      if (update.expectedRevision !== undefined && update.expectedRevision !== revision) {
        throw new ConflictError(`endpoint "${name}" changed meanwhile (revision ${revision}, expected ${update.expectedRevision})`, { field: 'revision', revision }, 'Read it again and reapply your change.');
      }
      const next = { variants_json: variants, settings_json: settings, updated_at: update.updatedAt, revision: revision + 1 };
      const res = await trx.updateTable('endpoints').set(next).where('project', '=', project).where('name', '=', name).where('revision', '=', current.revision).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new ConflictError(`endpoint "${name}" changed meanwhile`, { field: 'revision' }, 'Read it again and reapply your change.');
      return toRecord({ ...current, ...next });
    });
  }

  async delete(name: string): Promise<boolean> {
    const project = this.project;
    return this.write(async (trx) => {
      const res = await trx.deleteFrom('endpoints').where('project', '=', project).where('name', '=', name).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    }, (deleted) => deleted);
  }

  async changeVersion(): Promise<number> {
    const row = await this.db.selectFrom('endpoint_changes').select('version').where('id', '=', 'all').executeTakeFirst();
    return Number(row?.version ?? 0);
  }
}

function notFound(name: string, project: string): NotFoundError {
  return new NotFoundError(`endpoint "${name}" not found in project "${project}"`, { field: 'name', name }, 'List endpoints with `kiln endpoints list`.');
}
