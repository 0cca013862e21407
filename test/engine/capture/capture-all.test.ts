import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ADAPTERS, adapterFor } from '../../../adapters/index.js';
import { captureAll } from '../../../engine/capture/capture-all.js';
import { captureSource, cursorKey } from '../../../engine/capture/capture-source.js';
import type { AdapterEnv, ToolAdapter } from '../../../engine/capture/contract.js';
import { watchPlan } from '../../../engine/capture/presence.js';
import { Store } from '../../../engine/store.js';
import { fakeHome } from '../../helpers/fake-home.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';

const envFor = (home: string): AdapterEnv => ({ home, platform: 'linux', env: {} });

test('captureAll: every source once with progress; again adds nothing; an empty store is reported', async (t) => {
  const h = fakeHome(t);
  mkdirSync(path.join(h.home, '.gemini'));
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  const seen: number[] = [];
  let total = -1;
  const first = await captureAll(store, ADAPTERS, envFor(h.home), { onTotal: (n) => (total = n), onSource: (_r, done) => seen.push(done) });
  assert.equal(total, 8);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(first.totals.tools, 3);
  assert.equal(first.totals.sessionsNew, 8);
  assert.equal(first.problems.length, 1);
  assert.equal(first.problems[0]!.tool, 'gemini');
  assert.equal(first.problems[0]!.path, path.join(h.home, '.gemini'));
  const db = await store.view();
  const stored = (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
  assert.equal(stored, first.totals.messagesAdded);
  const again = await captureAll(store, [adapterFor('claude-code')!, adapterFor('codex')!], envFor(h.home));
  assert.deepEqual([again.totals.sessionsNew, again.totals.messagesAdded, again.totals.problems], [0, 0, 0]);
});

test('watchPlan: auto follows the store, on/off override it', (t) => {
  const h = fakeHome(t, ['codex']);
  const plan = watchPlan(ADAPTERS, { 'watch.codex': 'auto', 'watch.gemini': 'on', 'watch.claude-code': 'off' }, envFor(h.home));
  const w = Object.fromEntries(plan.map((p) => [p.tool, p.watched]));
  assert.equal(w.codex, true);
  assert.equal(w.gemini, true);
  assert.equal(w['claude-code'], false);
  assert.equal(w.cursor, false);
});

/** Many one-message sources; `bad` gets a header the log refuses (created_at is not a date). */
function smallSources(count: number, bad: number): ToolAdapter {
  return {
    tool: 'amp',
    displayName: 'Small',
    storeDirs: () => [],
    newestTested: null,
    installation: () => ({ version: null, versionFrom: null, binary: null, traces: [] }),
    listSources: async () => Array.from({ length: count }, (_, i) => ({ path: `/small/${i}`, style: 'rewrite' as const })),
    sourceFor: () => null,
    read: async (source, cursor) => {
      const i = Number(source.path.split('/').pop());
      if (cursor === 'done') return { sessions: [], cursor, problems: [] };
      const header = {
        native_id: `s${i}`,
        native_path: source.path,
        cwd: null,
        model: null,
        tool_version: null,
        title: null,
        created_at: i === bad ? 'never' : new Date(0).toISOString(),
      };
      const messages = [
        { msg_id: `m${i}`, parent_msg_id: null, role: 'user' as const, content: [{ type: 'text' as const, text: `hi ${i}` }], timestamp: null },
      ];
      return { sessions: [{ nativeId: `s${i}`, header, messages }], cursor: 'done', problems: [] };
    },
  };
}

test('captureAll: small sources stored together keep exact totals; a refused one fails alone and keeps its cursor', async (t) => {
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  const env = envFor('/nowhere');
  const first = await captureAll(store, [smallSources(150, 70)], env);
  assert.deepEqual([first.totals.sources, first.totals.sessionsNew, first.totals.messagesAdded], [150, 149, 149]);
  assert.equal(first.problems.length, 1);
  assert.equal(first.problems[0]!.path, '/small/70');
  assert.match(first.problems[0]!.message, /^not stored/);
  for (const i of [0, 69, 71, 149]) assert.deepEqual((await store.log.getCursor<{ adapter: unknown }>(cursorKey('amp', `/small/${i}`)))?.adapter, 'done');
  assert.equal(await store.log.getCursor(cursorKey('amp', '/small/70')), undefined);
  const again = await captureAll(store, [smallSources(150, 70)], env);
  assert.deepEqual([again.totals.sessionsNew, again.totals.messagesAdded, again.problems.length], [0, 0, 1]);
});

test('captureSource: a message the schema refuses is skipped and reported with its id; the rest of the source is stored', async (t) => {
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  const msg = (i: number) => ({
    msg_id: `m${i}`,
    parent_msg_id: i ? `m${i - 1}` : null,
    role: 'user' as const,
    content: [{ type: 'text' as const, text: `hi ${i}` }],
    timestamp: null,
  });
  const adapter: ToolAdapter = {
    ...smallSources(1, -1),
    read: async () => {
      const messages = Array.from({ length: 2500 }, (_, i) => msg(i));
      (messages[1700] as { role: string }).role = 'narrator'; // not a role the schema knows
      const header = { native_id: 'big', native_path: '/big', cwd: null, model: null, tool_version: null, title: null, created_at: new Date(0).toISOString() };
      return { sessions: [{ nativeId: 'big', header, messages }], cursor: 'done', problems: [] };
    },
  };
  const r = await captureSource(store, adapter, { path: '/big', style: 'rewrite' }, envFor('/nowhere'));
  assert.equal(r.failed, false);
  assert.equal(r.messagesAdded, 2499);
  assert.deepEqual(
    r.problems.map((p) => [p.path, p.where]),
    [['/big', 'message m1700']],
  );
  assert.match(r.problems[0]!.message, /^skipped: /);
  assert.equal((await store.log.getCursor<{ adapter: unknown }>(cursorKey('amp', '/big')))?.adapter, 'done');
});
