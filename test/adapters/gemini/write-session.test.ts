import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adapter } from '../../../adapters/gemini/index.js';
import { geminiFileName, geminiWriter } from '../../../adapters/gemini/write-session.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import { asSource, captureFile, fixtures, testEnv } from '../writers/fixtures.js';

/**
 * How Gemini CLI 0.61 picks files by name (bundle of @google/gemini-cli 0.61.0):
 * - resuming session <id> first opens `session-<UTC minute it started>-<id[0:8]>.jsonl`
 *   (ChatRecordingService.initialize with no resumed data), which never gets a turn;
 * - its start-up cleanup (cleanupExpiredSessions) deletes that file as one without
 *   resumable content, and with it every `session-*` file whose name ends with the same
 *   `-<8 chars>.json[l]` (SHORT_ID_REGEX) unless the file's first line names the session
 *   being run;
 * - a file is the current session when its name contains the current id[0:8];
 * - its delete command takes the last dash part of the name as the 8-character short id.
 */
const SHORT_ID = /-([a-zA-Z0-9]{8})\.jsonl?$/;
function sweptWith(doomed: string, files: string[], firstLineId: (f: string) => string, current: string): string[] {
  const short = doomed.match(SHORT_ID)?.[1];
  if (!short) return [doomed];
  return files.filter((f) => f.startsWith('session-') && (f.endsWith(`-${short}.json`) || f.endsWith(`-${short}.jsonl`)) && firstLineId(f) !== current);
}
const strayName = (at: Date, id: string) => `session-${at.toISOString().slice(0, 16).replace(/:/g, '-')}-${id.slice(0, 8)}.jsonl`;

test('file name: minute, first and last 8 characters of the session id', () => {
  assert.equal(geminiFileName(new Date('2026-11-24T10:00:59Z'), '1ee066f1-d2c9-49bc-8e4c-875b4387b565'), 'session-2026-11-24T10-00-1ee066f1-4387b565.jsonl');
});

test('a written session is not swept with the empty file Gemini CLI opens each time it resumes it', async (t) => {
  const home = mkdtempSync(path.join(tmpdir(), 'sfs-gemini-write-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = testEnv(home);
  const [s] = await captureFile(
    'gemini',
    path.join(fixtures, 'gemini/generated-gemini-cli-0.61.0/dot-gemini/tmp/demo-app/chats/session-2026-11-24T04-02-1ee066f1.jsonl'),
  );
  const src = asSource('gemini', s!);
  const now = new Date('2026-11-24T10:00:00Z');
  const w = await geminiWriter.write(prepareForTarget(src, 'gemini'), { cwd: '/home/dev/projects/demo-app', model: null, title: src.title, now }, env);
  const id = w.nativeId;
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const ours = path.basename(w.path);
  assert.equal(JSON.parse(readFileSync(w.path, 'utf8').split('\n')[0]!).sessionId, id);

  const files = [ours];
  const firstLineId = () => id; // Gemini's empty file is headed by the same session id as ours
  for (const minutes of [0, 1, 60 * 24]) {
    // Resumed in the minute it was written, a minute later, a day later: the name never coincides with ours.
    const stray = strayName(new Date(now.getTime() + minutes * 60_000), id);
    assert.notEqual(stray, ours);
    files.push(stray);
    // The next start of another session sweeps the empty file, and only empty files.
    assert.deepEqual(
      sweptWith(stray, files, firstLineId, 'another-session-id'),
      files.filter((f) => f !== ours),
    );
  }
  // While it is being resumed, Gemini sees the file as the current session.
  assert.ok(ours.includes(id.slice(0, 8)));
  // Gemini's own delete command still finds it by the short id at the end of the name.
  const short = ours
    .replace(/\.jsonl$/, '')
    .split('-')
    .at(-1)!;
  assert.equal(short.length, 8);
  assert.deepEqual(
    files.filter((f) => f.endsWith(`-${short}.jsonl`)),
    [ours],
  );
  // And capture watches it.
  assert.deepEqual(adapter.sourceFor(w.path, env), { path: w.path, style: 'append' });
});
