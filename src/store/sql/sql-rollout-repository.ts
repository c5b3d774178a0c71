/**
 * Dialect-agnostic SQL implementation of the rollout repository. "One running rollout per endpoint" is
 * the unique index on (project, active_endpoint); the lease and every state change are single guarded
 * UPDATE statements (compare-and-set), atomic on their own and inside an enclosing transaction.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { NewRollout, RolloutRecord, RolloutRepository, RolloutSpec, RolloutState, RolloutStatus, RolloutStrategy, RolloutUpdate } from '../rollout-repository.js';
import type { KilnDatabase, RolloutsTable } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

function toRecord(r: Selectable<RolloutsTable>): RolloutRecord {
  return {
    project: r.project,
    id: r.id,
    endpoint: r.endpoint,
    strategy: r.strategy as RolloutStrategy,
    status: r.status as RolloutStatus,
    spec: JSON.parse(r.spec_json) as RolloutSpec,
    state: JSON.parse(r.state_json) as RolloutState,
    actor: r.actor,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
    revision: Number(r.revision),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/** Rollouts over any Kysely connection or transaction, in `project`. */
export class SqlRolloutRepository implements RolloutRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly project: string,
  ) {}

  async create(input: NewRollout): Promise<RolloutRecord> {
    const row = {
      project: this.project,
      id: input.id,
      endpoint: input.endpoint,
      active_endpoint: input.endpoint,
      strategy: input.strategy,
      status: 'running',
      spec_json: JSON.stringify(input.spec),
      state_json: JSON.stringify(input.state),
      actor: input.actor,
      lease_owner: null,
      lease_until: null,
      revision: 1,
      created_at: input.createdAt,
      updated_at: input.createdAt,
      finished_at: null,
    };
    try {
      await this.db.insertInto('rollouts').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        const running = await this.active(input.endpoint);
        throw new ConflictError(
          `a rollout is already running on endpoint "${input.endpoint}"${running ? ` (${running.id}, ${running.strategy})` : ''}`,
          { field: 'endpoint', endpoint: input.endpoint, running: running?.id ?? null },
          `Finish it first: kiln rollout promote|rollback|abort ${input.endpoint}.`,
        );
      }
      throw err;
    }
    return toRecord(row);
  }

  async get(id: string): Promise<RolloutRecord | null> {
    const row = await this.db.selectFrom('rollouts').selectAll().where('project', '=', this.project).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async active(endpoint: string): Promise<RolloutRecord | null> {
    const row = await this.db.selectFrom('rollouts').selectAll().where('project', '=', this.project).where('active_endpoint', '=', endpoint).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async history(endpoint: string, limit = 20): Promise<RolloutRecord[]> {
    const rows = await this.db
      .selectFrom('rollouts')
      .selectAll()
      .where('project', '=', this.project)
      .where('endpoint', '=', endpoint)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.max(1, Math.min(1000, Math.floor(limit))))
      .execute();
    return rows.map(toRecord);
  }

  async listRunning(): Promise<RolloutRecord[]> {
    const rows = await this.db.selectFrom('rollouts').selectAll().where('active_endpoint', 'is not', null).orderBy('project').orderBy('endpoint').execute();
    return rows.map(toRecord);
  }

  async update(id: string, update: RolloutUpdate): Promise<RolloutRecord> {
    const finished = update.status !== 'running';
    const res = await this.db
      .updateTable('rollouts')
      .set({
        status: update.status,
        state_json: JSON.stringify(update.state),
        updated_at: update.updatedAt,
        revision: update.expectedRevision + 1,
        ...(finished ? { active_endpoint: null, finished_at: update.updatedAt, lease_owner: null, lease_until: null } : {}),
      })
      .where('project', '=', this.project)
      .where('id', '=', id)
      .where('revision', '=', update.expectedRevision)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const current = await this.get(id);
      if (!current) throw new NotFoundError(`rollout "${id}" not found in project "${this.project}"`, { field: 'rollout' });
      throw new ConflictError(
        `rollout ${id} changed meanwhile (it is ${current.status} at revision ${current.revision}, expected running at ${update.expectedRevision})`,
        { field: 'revision', status: current.status, revision: current.revision },
        'Read its status again (kiln rollout status) and retry.',
      );
    }
    const after = await this.get(id);
    if (!after) throw new NotFoundError(`rollout "${id}" not found in project "${this.project}"`, { field: 'rollout' });
    return after;
  }

  async claim(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const res = await this.db
      .updateTable('rollouts')
      .set({ lease_owner: owner, lease_until: now + leaseMs })
      .where('project', '=', this.project)
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
