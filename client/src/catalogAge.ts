const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days between a capture date (ISO date) and now; undefined for a date that cannot be read. */
export function ageInDays(capturedOn: string, now: Date): number | undefined {
  const captured = Date.parse(capturedOn);
  if (Number.isNaN(captured)) return undefined;
  return Math.max(0, Math.floor((now.getTime() - captured) / DAY_MS));
}
