import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn } from './backends.js';
import { catchUpSpace } from '../../server/views/apply.js';
import { rebuildViews } from '../../server/views/rebuild.js';
import { listSessions, messages, search, showSession } from '../../server/views/queries.js';
import { Pusher, dumpViews, msg } from './views-helpers.js';

for (const make of await backends()) {
  test(`views (${make.name}): sessions, ordered messages, search; purge erases; incremental equals rebuild`, async (t) => {
    const b = await make();
    const relay = await relayOn(b, { views: false });
    t.after(async () => {
      await relay.close();
      await b.drop();
    });
    const db = relay.rdb.db;
    const alice = await Pusher.create(relay, 'alice', 'orgalice01');
    const laptop2 = await alice.device('orgalice02', 'desktop');
    const S = 'ses_aaaaaaaa';
    await alice.push([
      {
        type: 'session.discovered',
        session: S,
        body: { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture', cwd: '/p/app', git: { branch: 'main' } },
      },
      {
        type: 'messages.captured',
        session: S,
        body: { messages: [msg('m1', 'deploy the frobnicator please'), msg('m2', 'deploying now', { parent: 'm1', role: 'assistant', minute: 1 })] },
      },
    ]);
    await catchUpSpace(db, alice.personal);
    await laptop2.push([
      { type: 'messages.captured', session: S, body: { messages: [msg('m3', 'branch two', { parent: 'm1', role: 'assistant', minute: 2 })] } },
      { type: 'session.meta', session: S, body: { title: 'Frobnicator rollout' } },
      {
        type: 'session.discovered',
        session: 'ses_bbbbbbbb',
        body: { tool: 'claude-code', created_at: '2026-01-02T00:00:00Z', via: 'capture', cwd: '/p/other' },
      },
      { type: 'messages.captured', session: 'ses_bbbbbbbb', body: { messages: [msg('x1', 'unrelated work on caches', { minute: 5 })] } },
    ]);
    await catchUpSpace(db, alice.personal);
    const spaces = [alice.personal];
    const list = await listSessions(db, spaces, {});
    assert.equal(list.total, 2);
    const a = list.sessions.find((s) => s.id === S)!;
    assert.equal(a.title, 'Frobnicator rollout');
    assert.equal(a.message_count, 3);
    assert.equal(a.git_branch, 'main');
    assert.equal(a.pushed_by.username, 'alice');
    assert.equal(a.pushed_by.device, 'alice-laptop');
    assert.deepEqual(
      (await listSessions(db, spaces, { tool: 'claude-code' })).sessions.map((s) => s.id),
      ['ses_bbbbbbbb'],
    );
    assert.deepEqual(
      (await listSessions(db, spaces, { text: 'frobnicator' })).sessions.map((s) => s.id),
      [S],
    );
    assert.deepEqual(
      (await listSessions(db, spaces, { project: '/p/app' })).sessions.map((s) => s.id),
      [S],
    );
    const page = await listSessions(db, spaces, { limit: 1 });
    assert.equal(page.next_offset, 1);
    const shown = await showSession(db, spaces, S, {});
    assert.equal(shown.session.usage.input_tokens, 30);
    assert.deepEqual(
      shown.messages.items.map((m) => [m.message.msg_id, m.branch, m.index]),
      [
        ['m1', 0, 0],
        ['m2', 0, 1],
        ['m3', 1, 2],
      ],
    );
    const page2 = await messages(db, spaces, 'ses_aaaa', { at_msg: 'm3', limit: 1 });
    assert.deepEqual([page2.offset, page2.items[0]!.message.msg_id], [2, 'm3']);
    const found = await search(db, spaces, { query: 'deploying' });
    const hit = found.hits.find((h) => h.kind === 'message')!;
    assert.equal(hit.session_id, S);
    assert.equal(hit.message_index, 0); // 'deploy' and 'deploying' stem alike: m1 ranks with m2
    assert.ok(hit.highlights.length > 0);
    assert.match(hit.snippet_marked, /<<deploy/);
    // Purge: its content leaves the views and search.
    await alice.push([{ type: 'session.purged', session: S, body: {} }]);
    await catchUpSpace(db, alice.personal);
    assert.deepEqual(
      (await listSessions(db, spaces, {})).sessions.map((s) => s.id),
      ['ses_bbbbbbbb'],
    );
    assert.equal((await search(db, spaces, { query: 'frobnicator' })).hits.length, 0);
    await assert.rejects(showSession(db, spaces, S, {}), /purged|no session/);
    const incremental = await dumpViews(db, spaces);
    await rebuildViews(db);
    assert.deepEqual(await dumpViews(db, spaces), incremental);
  });
}
