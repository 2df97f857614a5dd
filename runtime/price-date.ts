/**
 * Price dates ("YYYY-MM" or "YYYY-MM-DD"), as the config's price table and the price file synth
 * writes carry them: one check for both, so synth never writes a date the cost planner refuses.
 */
import { z } from 'zod';

/**
 * What is wrong with a price date ("YYYY-MM" or "YYYY-MM-DD"), or undefined: the form, a day the
 * month does not have (2024-02-31), or a date after `now` (UTC): prices are read, not foreseen.
 */
export function priceDateProblem(text: string, now: Date): string | undefined {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text);
  const year = m ? Number(m[1]) : 0;
  const month = m ? Number(m[2]) : 0;
  const day = m?.[3] === undefined ? 1 : Number(m[3]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!m || year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth)
    return 'must be a date "YYYY-MM" or "YYYY-MM-DD" that exists (e.g. "2024-06" or "2024-06-30")';
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (Date.UTC(year, month - 1, day) > today)
    return `is in the future (today is ${new Date(today).toISOString().slice(0, 10)}); allowed: the date the prices were read`;
  return undefined;
}

/** Whole months from a price date to `now` (the first of the month for "YYYY-MM"). */
export function priceAgeMonths(asOf: string, now: Date): number {
  const [year, month, day = 1] = asOf.split('-').map(Number);
  let months = (now.getUTCFullYear() - year) * 12 + (now.getUTCMonth() + 1 - month);
  if (now.getUTCDate() < day) months--;
  return Math.max(0, months);
}

/** A price date field: {@link priceDateProblem} at parse time, as the config and the price file check it. */
export const priceDateText = z.string().superRefine((text, ctx) => {
  const problem = priceDateProblem(text, new Date());
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
