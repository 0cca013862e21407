import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSfs, writeSfs } from '../helpers/cli.js';

const MIN = 60_000;

// `summary --today` counts active time (engine/summary/active-time.ts): between messages at most
// 15 minutes apart, clipped to today, sessions side by side counted once — so a day holds at most 24 h.
// Messages are placed relative to local midnight as the CLI computes it (its --json says which day).
test('summary --today: active time clipped to the day, idle gaps and overlaps not counted', async (t) => {
  const sfs = newSfs();
  t.after(() => sfs.dispose());
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const at = (minutes: number) => new Date(midnight.getTime() + minutes * MIN).toISOString();
  const session = (id: string, minutes: number[]) =>
    writeSfs(sfs.path('in', id), {
      session_id: id,
      created_at: at(minutes[0]!),
      messages: minutes.map((m, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `${id} ${i}`, at: at(m) })),
    });
  // A: opened 20 days ago, then 20 minutes of work today (its span is 20 days)
  // B: 10 minutes alongside A.  C: 5 minutes after a 30-minute idle gap.  D: 5 minutes before and after midnight.
  await sfs.ok([
    'import',
    session('ses_aaaa0000000a', [-20 * 24 * 60, 60, 70, 80]),
    session('ses_aaaa0000000b', [65, 75]),
    session('ses_aaaa0000000c', [120, 150, 155]),
    session('ses_aaaa0000000d', [-5, 5]),
  ]);
  const r = await sfs.ok(['summary', '--today']);
  assert.equal(r.since, midnight.toISOString(), 'the CLI summarised the same day');
  const active = Object.fromEntries(r.sessions.map((s: { id: string; active_ms: number }) => [s.id, s.active_ms / MIN]));
  assert.deepEqual(active, { ses_aaaa0000000a: 20, ses_aaaa0000000b: 10, ses_aaaa0000000c: 5, ses_aaaa0000000d: 5 });
  assert.equal(r.totals.active_ms, 30 * MIN, 'B overlaps A: counted once');
  assert.equal(r.totals.session_active_ms, 40 * MIN);
  assert.ok(r.totals.active_ms <= Date.parse(r.until) - Date.parse(r.since));
  const human = await sfs.out(['summary', '--today']);
  assert.match(human, /^Today: 4 sessions · 30m 0s active · /m);
  assert.match(
    human,
    /^Active: wall-clock time today between messages at most 15 min apart; sessions side by side count once \(40m 0s added up per session\)\.$/m,
  );
});
