/**
 * ISO-8601 durations (`P1D`, `PT6H`, `P1DT12H30M`, `P2W`) to milliseconds, for freshness windows.
 * Calendar units are fixed lengths: a year is 365 days and a month 30 days.
 */
import { InputError } from '../../core/errors.js';

const DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const SECOND = 1000;
const UNITS = [365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1].map((s) => s * SECOND);

/** Milliseconds in an ISO-8601 duration string, or in a number of seconds. */
export function durationToMs(value: string | number, where: string): number {
  if (typeof value === 'number') return value * SECOND;
  const m = DURATION.exec(value.trim().toUpperCase());
  if (!m || value.trim().toUpperCase() === 'P' || value.trim().toUpperCase().endsWith('T')) {
    throw new InputError(`${where}: "${value}" is not an ISO-8601 duration`, { field: 'maxAge' }, 'Use e.g. "P1D" (one day), "PT6H" (six hours), or a number of seconds.');
  }
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNITS[i];
  return ms;
}
