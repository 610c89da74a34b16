// Days, as the regulation counts notice periods: 24 hours each, in UTC.

export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysAfter(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
