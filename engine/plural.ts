/**
 * A count and its noun in the right number, for messages people read: plural(1, 'session') is
 * "1 session", plural(2, 'new session') "2 new sessions". Nouns whose plural is not `+s` pass it.
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
