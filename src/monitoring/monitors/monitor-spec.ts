/**
 * A monitor's spec: frozen plain data checked once at the boundary (HTTP body, CLI flags, library call)
 * and stored as JSON. Names follow the endpoint naming rule; windows and label delays are durations such as
 * `15m`, `1h`, `1d12h`; the schedule is a five-field cron expression (`cron-schedule.ts`); thresholds map
 * `drift_share` (the dataset-level share, default 0.5) or a column name (that column's drift threshold) to a
 * number; tests map a column to a drift test. `performance` is another name of the `quality` check.
 * `estimateReference` is the labelled period before a window that CBPE calibrates on (default 7d);
 * `conceptDetector` picks the concept check's detector (adwin, ddm, page_hinkley).
 */
import { UsageError } from '../../core/errors.js';
import type { Suite } from '../../data/validation/suite.js';
import { parseSuite } from '../../data/validation/suite.js';
import { checkEndpointName } from '../../store/endpoint-spec-check.js';
import { CONCEPT_DETECTORS } from '../concept/index.js';
import { DRIFT_TESTS } from '../drift/drift-tests.js';
import type { MonitorCheck } from '../monitor-run.js';
import { parseCron } from './cron-schedule.js';

/** What a caller passes to create a monitor. */
export interface CreateMonitorInput {
  readonly name: string;
  readonly endpoint: string;
  /** A baseline `NAME` (latest version) or `NAME@VERSION`; absent: the endpoint model's training statistics. */
  readonly baseline?: string;
  /** Cron expression (UTC); absent: runs only on demand. */
  readonly schedule?: string;
  /** The capture window each run looks at (default `1h`). */
  readonly window?: string;
  readonly checks?: readonly string[];
  readonly thresholds?: Readonly<Record<string, number>>;
  readonly tests?: Readonly<Record<string, string>>;
  /** How long labels take to arrive (default `0s`): quality looks at the window shifted back by this. */
  readonly labelDelay?: string;
  /** An expectation suite (JSON) the data_quality check validates each window against. */
  readonly suite?: unknown;
  /** The labelled traffic before the window that the estimate check calibrates on (default `7d`). */
  readonly estimateReference?: string;
  /** The concept check's detector: `adwin` (default), `ddm` or `page_hinkley`. */
  readonly conceptDetector?: string;
}

/** The checked, stored spec. */
export interface MonitorSpec {
  readonly specVersion: 1;
  readonly baseline: { readonly name: string; readonly version: number | null } | null;
  readonly schedule: string | null;
  readonly window: string;
  readonly windowMs: number;
  readonly checks: readonly MonitorCheck[];
  readonly thresholds: Readonly<Record<string, number>>;
  readonly tests: Readonly<Record<string, string>>;
  readonly datasetDriftShare: number;
  readonly labelDelay: string;
  readonly labelDelayMs: number;
  readonly suite: Suite | null;
  readonly estimateReference: string;
  readonly estimateReferenceMs: number;
  readonly conceptDetector: string;
}

/** Checks in the order runs compute them. */
export const ALL_CHECKS: readonly MonitorCheck[] = ['drift', 'data_quality', 'quality', 'operational', 'estimate', 'concept'];
const DEFAULT_CHECKS: readonly MonitorCheck[] = ['drift', 'data_quality', 'quality', 'operational'];
const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MAX_WINDOW_MS = 90 * 86_400_000;
const BASELINE_REF = /^([a-z0-9][a-z0-9._-]{0,62})(?:@([1-9][0-9]{0,8}))?$/;

/** A duration such as `90s`, `15m`, `1h`, `1d12h` in milliseconds (UsageError naming `field`). */
export function parseDuration(text: unknown, field: string, allowZero = false): number {
  if (typeof text !== 'string' || !/^(\d{1,6}[smhdw])+$/.test(text.trim())) throw new UsageError(`${field} must be a duration such as 15m, 1h or 1d12h (got ${JSON.stringify(text)?.slice(0, 40)})`, { field });
  let ms = 0;
  for (const m of text.trim().matchAll(/(\d+)([smhdw])/g)) ms += Number(m[1]) * UNITS[m[2]];
  if ((!allowZero && ms <= 0) || ms > MAX_WINDOW_MS) throw new UsageError(`${field} must be ${allowZero ? 'from 0' : 'more than 0'} up to 90d (got ${text})`, { field });
  return ms;
}

/** A baseline reference `NAME` or `NAME@VERSION`. */
export function parseBaselineRef(text: unknown, field = 'baseline'): { name: string; version: number | null } {
  const m = typeof text === 'string' ? BASELINE_REF.exec(text) : null;
  if (!m) throw new UsageError(`${field} must be a baseline NAME or NAME@VERSION (got ${JSON.stringify(text)?.slice(0, 80)})`, { field }, 'List baselines with `kiln monitor baselines`.');
  return { name: m[1], version: m[2] === undefined ? null : Number(m[2]) };
}

/** Normalize a checks list: known names only, `performance` -> `quality`, no duplicates. */
export function parseChecks(list: unknown): MonitorCheck[] {
  if (list === undefined) return [...DEFAULT_CHECKS];
  if (!Array.isArray(list) || list.length === 0) throw new UsageError('checks must be a non-empty list', { field: 'checks' });
  const out = new Set<MonitorCheck>();
  for (const c of list) {
    const name = c === 'performance' ? 'quality' : c;
    if (typeof name !== 'string' || !ALL_CHECKS.includes(name as MonitorCheck)) throw new UsageError(`unknown check ${JSON.stringify(c)?.slice(0, 40)}`, { field: 'checks' }, `Checks are: ${[...ALL_CHECKS, 'performance'].join(', ')}.`);
    out.add(name as MonitorCheck);
  }
  return ALL_CHECKS.filter((c) => out.has(c));
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${field} must be an object`, { field });
  if (Object.keys(value).length > 1000) throw new UsageError(`${field} has more than 1000 entries`, { field });
  return value as Record<string, unknown>;
}

function checkDetector(name: unknown): string {
  if (typeof name !== 'string' || !Object.hasOwn(CONCEPT_DETECTORS, name)) throw new UsageError(`unknown concept detector ${JSON.stringify(name)?.slice(0, 40)}`, { field: 'conceptDetector' }, `Detectors are: ${Object.keys(CONCEPT_DETECTORS).join(', ')}.`);
  return name;
}

/** Check a create request; returns the monitor's name, endpoint and spec. */
export function parseMonitorInput(input: CreateMonitorInput): { name: string; endpoint: string; spec: MonitorSpec } {
  if (input === null || typeof input !== 'object') throw new UsageError('a monitor is an object with name and endpoint', { field: 'name' });
  const name = checkEndpointName(input.name, 'name');
  const endpoint = checkEndpointName(input.endpoint, 'endpoint');
  const thresholds: Record<string, number> = {};
  let datasetDriftShare = 0.5;
  for (const [k, v] of Object.entries(record(input.thresholds, 'thresholds'))) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new UsageError(`threshold ${k} must be a finite number >= 0`, { field: 'thresholds', column: k.slice(0, 100) });
    if (k === 'drift_share') {
      if (v > 1) throw new UsageError('threshold drift_share must be from 0 to 1', { field: 'thresholds', column: k });
      datasetDriftShare = v;
    } else thresholds[k] = v;
  }
  const tests: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(input.tests, 'tests'))) {
    if (typeof v !== 'string' || !Object.prototype.hasOwnProperty.call(DRIFT_TESTS, v)) throw new UsageError(`unknown drift test ${JSON.stringify(v)?.slice(0, 40)} for column "${k.slice(0, 100)}"`, { field: 'tests', column: k.slice(0, 100) }, `Tests are: ${Object.keys(DRIFT_TESTS).join(', ')}.`);
    tests[k] = v;
  }
  const window = input.window ?? '1h';
  const labelDelay = input.labelDelay ?? '0s';
  const spec: MonitorSpec = {
    specVersion: 1,
    baseline: input.baseline === undefined ? null : parseBaselineRef(input.baseline),
    schedule: input.schedule === undefined || input.schedule === null ? null : parseCron(input.schedule).expression,
    window,
    windowMs: parseDuration(window, 'window'),
    checks: parseChecks(input.checks),
    thresholds,
    tests,
    datasetDriftShare,
    labelDelay,
    labelDelayMs: parseDuration(labelDelay, 'labelDelay', true),
    suite: input.suite === undefined || input.suite === null ? null : parseSuite(input.suite, 'suite'),
    estimateReference: input.estimateReference ?? '7d',
    estimateReferenceMs: parseDuration(input.estimateReference ?? '7d', 'estimateReference'),
    conceptDetector: checkDetector(input.conceptDetector ?? 'adwin'),
  };
  return { name, endpoint, spec };
}

/** An ISO-8601 time (or epoch ms) as ISO, for comparing with stored times. */
export function isoOf(text: string, field: string): string {
  const ms = /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new UsageError(`${field} must be an ISO-8601 time or epoch milliseconds (got ${JSON.stringify(text.slice(0, 64))})`, { field });
  return new Date(ms).toISOString();
}
