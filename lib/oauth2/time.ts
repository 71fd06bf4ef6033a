/** Times as people and JSON read them: never a thrown RangeError, never "1 h" for one second. */

/** The latest epoch ms a JavaScript Date can hold. */
export const LAST_DATE_MS = 8.64e15;

/** An epoch-ms time as an ISO 8601 string; undefined when it is not a valid date. */
export function isoDate(ms: unknown): string | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= LAST_DATE_MS ? new Date(ms).toISOString() : undefined;
}

function unit(value: number, name: string): string {
  const n = Math.round(value);
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}

/** A duration in the largest unit that fits: "40 seconds", "3 minutes", "5 hours", "12 days". */
export function durationText(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 59.5) return unit(Math.max(1, seconds), 'second');
  if (seconds < 3570) return unit(seconds / 60, 'minute');
  if (seconds < 86_400 - 1800) return unit(seconds / 3600, 'hour');
  return unit(seconds / 86_400, 'day');
}
