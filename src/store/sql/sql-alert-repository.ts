/**
 * Dialect-agnostic SQL implementation of the alert repository. Rules and alerts are JSON documents with
 * the columns lists filter and sort on beside them; the unique partial index of migration 14 turns a
 * second open alert for one rule into a ConflictError. Event sequence numbers are max + 1 under the
 * (project, alert, seq) primary key, retried on a lost race, so history never has gaps or duplicates.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { AlertChannelSpec, AlertEventKind, AlertEventRecord, AlertFilter, AlertRecord, AlertRepository, AlertRuleRecord } from '../alert-repository.js';
import type { Page, PageRequest } from '../page.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { AlertEventsTable, AlertsTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const LIST_RULES = 'alert-rules';
const LIST_ALL_RULES = 'alert-rules-all-projects';
const LIST_ALERTS = 'alerts';
const MAX_EVENTS = 1000;

/** Alert rules, alerts and their history of one project over any Kysely connection or transaction. */
export class SqlAlertRepository implements AlertRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly project: string,
  ) {}

  async createRule(rule: AlertRuleRecord): Promise<AlertRuleRecord> {
    const stored = { ...rule, project: this.project };
    try {
      await this.db.insertInto('alert_rules').values({ project: this.project, name: rule.name, monitor: rule.monitor, document: JSON.stringify(stored), created_at: rule.createdAt }).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`alert rule "${rule.name}" already exists in project "${this.project}"`, { field: 'name', name: rule.name }, 'Pick another name, or delete the rule first.');
      throw err;
    }
    return stored;
  }

  async getRule(name: string): Promise<AlertRuleRecord | null> {
    const row = await this.db.selectFrom('alert_rules').select('document').where('project', '=', this.project).where('name', '=', name).executeTakeFirst();
    return row ? (JSON.parse(row.document) as AlertRuleRecord) : null;
  }

  async listRules(page: PageRequest = {}): Promise<Page<AlertRuleRecord>> {
    const limit = pageLimit(page.limit);
    let q = this.db.selectFrom('alert_rules').select(['name', 'document']).where('project', '=', this.project).orderBy('name').limit(limit + 1);
    if (page.cursor) q = q.where('name', '>', decodeCursor(LIST_RULES, page.cursor, ['string'] as const)[0]);
    const rows = await q.execute();
    return toPage(rows, limit, (r) => JSON.parse(r.document) as AlertRuleRecord, (r) => [r.name], LIST_RULES);
  }

  async rulesOfMonitor(monitor: string): Promise<AlertRuleRecord[]> {
    const rows = await this.db.selectFrom('alert_rules').select('document').where('project', '=', this.project).where('monitor', '=', monitor).orderBy('name').limit(MAX_EVENTS).execute();
    return rows.map((r) => JSON.parse(r.document) as AlertRuleRecord);
  }

  async deleteRule(name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('alert_rules').where('project', '=', this.project).where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async replaceRuleChannels(name: string, channels: AlertChannelSpec[]): Promise<boolean> {
    // Rules are never edited otherwise, so read-then-write races only with a delete (0 rows: false).
    const row = await this.db.selectFrom('alert_rules').select('document').where('project', '=', this.project).where('name', '=', name).executeTakeFirst();
    if (!row) return false;
    const document = JSON.stringify({ ...(JSON.parse(row.document) as AlertRuleRecord), channels });
    const r = await this.db.updateTable('alert_rules').set({ document }).where('project', '=', this.project).where('name', '=', name).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async rulesOfAllProjects(page: PageRequest = {}): Promise<Page<AlertRuleRecord>> {
    const limit = pageLimit(page.limit);
    let q = this.db.selectFrom('alert_rules').select(['project', 'name', 'document']).orderBy('project').orderBy('name').limit(limit + 1);
    if (page.cursor) {
      const [project, name] = decodeCursor(LIST_ALL_RULES, page.cursor, ['string', 'string'] as const);
      q = q.where((eb) => eb.or([eb('project', '>', project), eb.and([eb('project', '=', project), eb('name', '>', name)])]));
    }
    const rows = await q.execute();
    return toPage(rows, limit, (r) => ({ ...(JSON.parse(r.document) as AlertRuleRecord), project: r.project }), (r) => [r.project, r.name], LIST_ALL_RULES);
  }

  async createAlert(alert: AlertRecord): Promise<AlertRecord> {
    const stored = { ...alert, project: this.project };
    try {
      await this.db.insertInto('alerts').values(alertRow(this.project, stored)).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`rule "${alert.rule}" already has an open alert (or alert id ${alert.id} is taken)`, { field: 'rule', rule: alert.rule });
      throw err;
    }
    return stored;
  }

  async getAlert(id: string): Promise<AlertRecord | null> {
    const row = await this.db.selectFrom('alerts').selectAll().where('project', '=', this.project).where('id', '=', id).executeTakeFirst();
    return row ? toAlert(row) : null;
  }

  async openAlertOf(rule: string): Promise<AlertRecord | null> {
    const row = await this.db.selectFrom('alerts').selectAll().where('project', '=', this.project).where('rule_name', '=', rule).where('status', '=', 'open').executeTakeFirst();
    return row ? toAlert(row) : null;
  }

  async latestAlertOf(rule: string): Promise<AlertRecord | null> {
    const row = await this.db.selectFrom('alerts').selectAll().where('project', '=', this.project).where('rule_name', '=', rule).orderBy('fired_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row ? toAlert(row) : null;
  }

  async listAlerts(filter: AlertFilter = {}, page: PageRequest = {}): Promise<Page<AlertRecord>> {
    const limit = pageLimit(page.limit);
    let q = this.db.selectFrom('alerts').selectAll().where('project', '=', this.project).orderBy('fired_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.rule !== undefined) q = q.where('rule_name', '=', filter.rule);
    if (page.cursor) {
      const [firedAt, id] = decodeCursor(LIST_ALERTS, page.cursor, ['string', 'string'] as const);
      q = q.where((eb) => eb.or([eb('fired_at', '<', firedAt), eb.and([eb('fired_at', '=', firedAt), eb('id', '<', id)])]));
    }
    const rows = await q.execute();
    return toPage(rows, limit, toAlert, (a) => [a.firedAt, a.id], LIST_ALERTS);
  }

  async updateAlert(alert: AlertRecord): Promise<AlertRecord> {
    const stored = { ...alert, project: this.project };
    const { project: _p, id: _i, ...row } = alertRow(this.project, stored);
    let r;
    try {
      r = await this.db.updateTable('alerts').set(row).where('project', '=', this.project).where('id', '=', alert.id).executeTakeFirst();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`rule "${alert.rule}" already has an open alert`, { field: 'rule', rule: alert.rule });
      throw err;
    }
    if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`alert ${alert.id} not found in project "${this.project}"`, { field: 'id', id: alert.id });
    return stored;
  }

  async appendEvent(alertId: string, kind: AlertEventKind, detail: Record<string, unknown>, at: string): Promise<AlertEventRecord> {
    for (let attempt = 0; ; attempt++) {
      const last = await this.db.selectFrom('alert_events').select((eb) => eb.fn.max('seq').as('seq')).where('project', '=', this.project).where('alert_id', '=', alertId).executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      try {
        await this.db.insertInto('alert_events').values({ project: this.project, alert_id: alertId, seq, at, kind, detail: JSON.stringify(detail) }).execute();
        return { alertId, seq, at, kind, detail };
      } catch (err) {
        // A concurrent writer took this seq: read the new maximum and try again.
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
  }

  async events(alertId: string, limit = MAX_EVENTS): Promise<AlertEventRecord[]> {
    const n = Math.max(1, Math.min(MAX_EVENTS, Math.floor(limit)));
    const rows = await this.db.selectFrom('alert_events').selectAll().where('project', '=', this.project).where('alert_id', '=', alertId).orderBy('seq').limit(n).execute();
    return rows.map(toEvent);
  }
}

function alertRow(project: string, a: AlertRecord): AlertsTable {
  return { project, id: a.id, rule_name: a.rule, status: a.status, fired_at: a.firedAt, document: JSON.stringify(a) };
}

function toAlert(row: Selectable<AlertsTable>): AlertRecord {
  return JSON.parse(row.document) as AlertRecord;
}

function toEvent(row: Selectable<AlertEventsTable>): AlertEventRecord {
  return { alertId: row.alert_id, seq: Number(row.seq), at: row.at, kind: row.kind as AlertEventKind, detail: JSON.parse(row.detail) as Record<string, unknown> };
}
