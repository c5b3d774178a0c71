/**
 * The shape of an automated alert action (retrain, rollback, circuit breaker): what it may use, and what
 * it reports back into the alert's history. An action acts as the principal `alert:<rule>` (recorded in
 * the audit log as such); who may configure which action is checked when the rule is created.
 */
import type { DatasetService } from '../../data/datasets/dataset-service.js';
import type { JobService } from '../../jobs/job-service.js';
import type { RegistryService } from '../../registry/registry-service.js';
import type { Principal } from '../../security/permissions.js';
import type { SecurityService } from '../../security/security-service.js';
import type { EndpointService } from '../../serving/endpoint-service.js';
import type { AlertActionSpec, AlertRecord, AlertRuleRecord } from '../../store/alert-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';

/** The services actions act through (the same ones the CLI and HTTP API use). */
export interface AlertActionServices {
  readonly metadata: MetadataStore;
  readonly endpoints: EndpointService;
  readonly registry: RegistryService;
  readonly jobs: JobService;
  readonly datasets: DatasetService;
  readonly security: SecurityService;
}

/** One action run. */
export interface AlertActionContext {
  readonly project: string;
  readonly alert: AlertRecord;
  readonly rule: AlertRuleRecord;
  readonly actor: Principal;
  readonly services: AlertActionServices;
}

/** What an action did (recorded as an `action` event of the alert). */
export interface AlertActionOutcome {
  readonly ok: boolean;
  /** One line for people. */
  readonly summary: string;
  readonly detail: Record<string, unknown>;
  /** Work that finishes later (a retraining job): its outcome is recorded as a second `action` event. */
  readonly later?: Promise<AlertActionOutcome>;
}

/** An action implementation. */
export type AlertAction = (spec: AlertActionSpec, ctx: AlertActionContext) => Promise<AlertActionOutcome>;

/** The principal automated actions of `rule` act as. */
export function actionPrincipal(rule: string): Principal {
  return { actor: `alert:${rule}`, kind: 'local', grants: [], superuser: true };
}
