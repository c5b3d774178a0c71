/** The cron parser: fields, ranges, steps, lists, names, the day-field OR rule, and errors that name the field. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { nextCronTime, parseCron, previousCronTime } from './cron-schedule.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

describe('parseCron', () => {
  it('expands ranges, steps, lists and names', () => {
    const s = parseCron('*/15 9-17/4 1,15 jan-mar mon-fri');
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([9, 13, 17]);
    expect([...s.daysOfMonth]).toEqual([1, 15]);
    expect([...s.months]).toEqual([1, 2, 3]);
    expect([...s.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('5/20 * * * 7').minutes]).toEqual([5, 25, 45]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
  });

  it.each([
    ['* * * *', /has 4 fields/],
    ['60 * * * *', /field 1 \(minute\) "60": 60 is out of range 0-59/],
    ['* 24 * * *', /field 2 \(hour\)/],
    ['* * 0 * *', /field 3 \(day-of-month\)/],
    ['* * * 13 *', /field 4 \(month\)/],
    ['* * * * 8', /field 5 \(day-of-week\)/],
    ['*/0 * * * *', /step "0"/],
    ['5-1 * * * *', /starts after it ends/],
    ['1,,2 * * * *', /empty list item/],
    ['a * * * *', /"a" is not a number/],
    ['* * 30 2 *', /never fires/],
    ['', /cron expression/],
  ])('refuses %j', (expr, message) => {
    let caught: unknown;
    try {
      parseCron(expr);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
  });

  it('names the field in the error details', () => {
    try {
      parseCron('* 99 * * *');
      expect.unreachable();
    } catch (err) {
      expect((err as UsageError).details).toMatchObject({ field: 'schedule', cronField: 'hour', position: 2 });
    }
  });
});

describe('next and previous due times (UTC)', () => {
  it('steps to the next and latest due minute', () => {
    const s = parseCron('*/15 * * * *');
    expect(iso(nextCronTime(s, at('2026-03-01T10:07:30Z')))).toBe('2026-03-01T10:15:00.000Z');
    expect(iso(nextCronTime(s, at('2026-03-01T10:15:00Z')))).toBe('2026-03-01T10:30:00.000Z');
    expect(iso(previousCronTime(s, at('2026-03-01T10:15:00Z')))).toBe('2026-03-01T10:15:00.000Z');
    expect(iso(previousCronTime(s, at('2026-03-01T10:14:59Z')))).toBe('2026-03-01T10:00:00.000Z');
  });

  it('crosses months and years, and ORs the day fields when both are restricted', () => {
    expect(iso(nextCronTime(parseCron('30 2 1 * *'), at('2026-12-15T00:00:00Z')))).toBe('2027-01-01T02:30:00.000Z');
    expect(iso(previousCronTime(parseCron('0 0 29 2 *'), at('2026-06-01T00:00:00Z')))).toBe('2024-02-29T00:00:00.000Z');
    // 2026-03-02 is a Monday: "the 10th or any Monday".
    expect(iso(nextCronTime(parseCron('0 12 10 * mon'), at('2026-03-01T00:00:00Z')))).toBe('2026-03-02T12:00:00.000Z');
    expect(iso(nextCronTime(parseCron('0 12 * * mon'), at('2026-03-02T12:00:00Z')))).toBe('2026-03-09T12:00:00.000Z');
  });
});
