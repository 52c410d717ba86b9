/** Calendar arithmetic the checks need, with the reference date always an argument (no clock). */

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export const compareDates = (a: CalendarDate, b: CalendarDate): number => a.year - b.year || a.month - b.month || a.day - b.day;

export const sameDate = (a: CalendarDate, b: CalendarDate): boolean => compareDates(a, b) === 0;

/** Whole years between a date of birth and the reference date (birthdays on 29 February count from 1 March in other years). */
export const ageOn = (dob: CalendarDate, today: CalendarDate): number =>
  today.year - dob.year - (today.month < dob.month || (today.month === dob.month && today.day < dob.day) ? 1 : 0);

/** The calendar date (UTC) of a Unix time in seconds. */
export const utcDateOf = (unixSeconds: number): CalendarDate => {
  const date = new Date(unixSeconds * 1000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
};
