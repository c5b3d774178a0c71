/**
 * A small cron parser for monitor schedules: five fields (minute hour day-of-month month day-of-week), each
 * `*`, a number, a range `a-b`, a step `*\/n` or `a-b/n` or `a/n`, or a comma list of those; months and
 * weekdays also by three-letter name; weekday 0 and 7 are Sunday. As in Vixie cron, when both day fields
 * are restricted a day matches either. Times are UTC. A malformed expression is a UsageError naming the
 * field (position and name) and the part that is wrong.
 */
import { UsageError } from '../../core/errors.js';

/** A parsed expression: the allowed values of each field. */
export interface CronSchedule {
  readonly expression: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MINUTE = 60_000;
/** How far `nextCronTime`/`previousCronTime` look before giving up (a schedule such as Feb 30 never fires). */
const SEARCH_YEARS = 5;

function fieldError(index: number, part: string, why: string): UsageError {
  const f = FIELDS[index];
  return new UsageError(`cron field ${index + 1} (${f.name}) "${part}": ${why}`, { field: 'schedule', cronField: f.name, position: index + 1 }, `Fields are: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or jan-dec) day-of-week (0-7 or sun-sat), e.g. "*/15 * * * *".`);
}

function valueOf(text: string, index: number, part: string): number {
  const f = FIELDS[index];
  const byName = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (byName >= 0) return byName + (f.name === 'month' ? 1 : 0);
  if (!/^\d{1,2}$/.test(text)) throw fieldError(index, part, `"${text}" is not a number${f.names ? ' or a name' : ''}`);
  const v = Number(text);
  if (v < f.min || v > f.max) throw fieldError(index, part, `${v} is out of range ${f.min}-${f.max}`);
  return v;
}

function parseField(text: string, index: number): Set<number> {
  const f = FIELDS[index];
  const out = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw fieldError(index, text, 'an empty list item');
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw fieldError(index, part, 'more than one "/"');
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,2}$/.test(stepText) || Number(stepText) < 1) throw fieldError(index, part, `step "${stepText}" must be a whole number of at least 1`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = f.min;
      hi = f.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === '' || b === '') throw fieldError(index, part, 'a range is FROM-TO');
      lo = valueOf(a, index, part);
      hi = valueOf(b, index, part);
      if (lo > hi) throw fieldError(index, part, `range starts after it ends (${lo} > ${hi})`);
    } else {
      lo = valueOf(range, index, part);
      hi = stepText !== undefined ? f.max : lo;
    }
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return out;
}

/** Parse a five-field cron expression (UsageError naming the field when malformed or never due). */
export function parseCron(expression: unknown): CronSchedule {
  if (typeof expression !== 'string' || expression.trim() === '') throw new UsageError('schedule must be a cron expression such as "*/15 * * * *"', { field: 'schedule' });
  if (expression.length > 200) throw new UsageError('schedule is longer than 200 characters', { field: 'schedule' });
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new UsageError(`schedule "${expression}" has ${parts.length} fields; cron needs 5 (minute hour day-of-month month day-of-week)`, { field: 'schedule' }, 'Example: "*/15 * * * *" is every 15 minutes.');
  const sets = parts.map((p, i) => parseField(p, i));
  const schedule: CronSchedule = {
    expression: parts.join(' '),
    minutes: sets[0],
    hours: sets[1],
    daysOfMonth: sets[2],
    months: sets[3],
    daysOfWeek: sets[4],
    domRestricted: parts[2] !== '*',
    dowRestricted: parts[4] !== '*',
  };
  if (nextCronTime(schedule, Date.UTC(2000, 0, 1)) === null) throw new UsageError(`schedule "${expression}" never fires (no such date)`, { field: 'schedule', cronField: 'day-of-month', position: 3 });
  return schedule;
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  return dom && dow;
}

/** The first due time strictly after `afterMs` (epoch ms, minute-aligned), or null when none within 5 years. */
export function nextCronTime(s: CronSchedule, afterMs: number): number | null {
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  const limit = afterMs + SEARCH_YEARS * 366 * 24 * 60 * MINUTE;
  while (t <= limit) {
    const d = new Date(t);
    const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!s.months.has(mo + 1)) t = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(s, d)) t = Date.UTC(y, mo, day + 1);
    else if (!s.hours.has(h)) t = Date.UTC(y, mo, day, h + 1);
    else if (!s.minutes.has(d.getUTCMinutes())) t += MINUTE;
    else return t;
  }
  return null;
}

/** The latest due time at or before `atMs`, or null when none within 5 years. */
export function previousCronTime(s: CronSchedule, atMs: number): number | null {
  let t = Math.floor(atMs / MINUTE) * MINUTE;
  const limit = atMs - SEARCH_YEARS * 366 * 24 * 60 * MINUTE;
  while (t >= limit) {
    const d = new Date(t);
    const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!s.months.has(mo + 1)) t = Date.UTC(y, mo, 1) - MINUTE;
    else if (!dayMatches(s, d)) t = Date.UTC(y, mo, day) - MINUTE;
    else if (!s.hours.has(h)) t = Date.UTC(y, mo, day, h) - MINUTE;
    else if (!s.minutes.has(d.getUTCMinutes())) t -= MINUTE;
    else return t;
  }
  return null;
}
