/** ISO-8601 in UTC so timestamps from different tools compare as strings. */
export function normalizeTs(ts: string | null | undefined): string | null {
  if (!ts) return null;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString();
}
