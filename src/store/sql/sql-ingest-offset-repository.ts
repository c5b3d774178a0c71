/**
 * Dialect-agnostic SQL implementation of the ingest-offset repository. The compare-and-set is one
 * statement (an INSERT that does nothing on conflict, or an UPDATE guarded by the old position), so it
 * is atomic on its own and also composes with an enclosing transaction.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, UsageError } from '../../core/errors.js';
import type { IngestOffset, IngestOffsetRepository } from '../ingest-offset-repository.js';
import type { IngestOffsetsTable, KilnDatabase } from './kiln-database.js';

/** Ingest offsets over any Kysely connection or transaction. */
export class SqlIngestOffsetRepository implements IngestOffsetRepository {
  /** Offsets of the datasets of `project`. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly project: string,
  ) {}

  async get(dataset: string, source: string): Promise<IngestOffset | null> {
    const row = await this.db.selectFrom('ingest_offsets').selectAll().where('project', '=', this.project).where('dataset_name', '=', dataset).where('source', '=', source).executeTakeFirst();
    return row ? toOffset(row) : null;
  }

  async commit(offset: IngestOffset, expected: string | null): Promise<void> {
    checkOffset(offset);
    const values = {
      project: this.project,
      dataset_name: offset.dataset,
      source: offset.source,
      position: offset.position,
      version: offset.version,
      committed_at: offset.committedAt,
    };
    let changed: bigint;
    if (expected === null) {
      const res = await this.db
        .insertInto('ingest_offsets')
        .values(values)
        .onConflict((oc) => oc.columns(['project', 'dataset_name', 'source']).doNothing())
        .executeTakeFirst();
      changed = res.numInsertedOrUpdatedRows ?? 0n;
    } else {
      const res = await this.db
        .updateTable('ingest_offsets')
        .set({ position: offset.position, version: offset.version, committed_at: offset.committedAt })
        .where('project', '=', this.project)
        .where('dataset_name', '=', offset.dataset)
        .where('source', '=', offset.source)
        .where('position', '=', expected)
        .executeTakeFirst();
      changed = res.numUpdatedRows;
    }
    if (changed === 0n) {
      const current = await this.get(offset.dataset, offset.source);
      throw new ConflictError(
        `the ingest position of ${offset.source} into dataset '${offset.dataset}' moved: expected ${expected ?? 'none'}, found ${current?.position ?? 'none'}`,
        { dataset: offset.dataset, source: offset.source },
        'another ingester is consuming the same source into this dataset; run one ingester per (source, dataset)',
      );
    }
  }

  async list(dataset: string): Promise<IngestOffset[]> {
    const rows = await this.db.selectFrom('ingest_offsets').selectAll().where('project', '=', this.project).where('dataset_name', '=', dataset).orderBy('source').execute();
    return rows.map(toOffset);
  }
}

function toOffset(row: Selectable<IngestOffsetsTable>): IngestOffset {
  return {
    dataset: row.dataset_name,
    source: row.source,
    position: row.position,
    version: row.version === null ? null : Number(row.version),
    committedAt: row.committed_at,
  };
}

function checkOffset(offset: IngestOffset): void {
  for (const field of ['dataset', 'source', 'position', 'committedAt'] as const) {
    const value: unknown = offset[field];
    if (typeof value !== 'string' || value.length === 0) throw new UsageError(`ingest offset field '${field}' must be a non-empty string`, { field });
  }
  if (offset.version !== null && !(Number.isSafeInteger(offset.version) && offset.version >= 1)) {
    throw new UsageError(`ingest offset field 'version' must be a positive integer or null, got ${String(offset.version)}`, { field: 'version' });
  }
}
