import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn } from './backends.js';
import { catchUpSpace } from '../../server/views/apply.js';
import { rebuildViews } from '../../server/views/rebuild.js';
import { listSessions, messages, search, showSession } from '../../server/views/queries.js';
import { sql } from 'kysely';
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

for (const make of await backends()) {
  test(`views (${make.name}): a team space attributes other accounts' events, keeps the owner's metadata, and each account's purge erases its own content`, async (t) => {
    const b = await make();
    const relay = await relayOn(b, { views: false });
    t.after(async () => {
      await relay.close();
      await b.drop();
    });
    const db = relay.rdb.db;
    const alice = await Pusher.create(relay, 'alice', 'orgalice01');
    const bob = await Pusher.create(relay, 'bob', 'orgbob0001', 'bob-box');
    const team = await alice.team('acme', [bob]);
    const S = 'ses_aaaaaaaa';
    await alice.push([
      { type: 'session.discovered', session: S, body: { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture', cwd: '/p/app' } },
      { type: 'messages.captured', session: S, body: { messages: [msg('m1', 'alice asks about flamingos')] } },
      { type: 'session.meta', session: S, body: { title: 'Flamingo plan' } },
    ]);
    await alice.share(S, team);
    // Bob continues the session (a handoff) and shares his part; his title and his m1 do not replace hers.
    await bob.push([
      {
        type: 'messages.captured',
        session: S,
        body: { messages: [msg('m1', 'bob rewrites m1'), msg('m2', 'bob answers with pelicans', { parent: 'm1', minute: 3 })] },
      },
      { type: 'session.meta', session: S, body: { title: 'Bob title' } },
    ]);
    await bob.share(S, team);
    await catchUpSpace(db, team);
    const spaces = [team];
    const [s] = (await listSessions(db, spaces, {})).sessions;
    assert.equal(s!.title, 'Flamingo plan');
    assert.equal(s!.message_count, 2);
    assert.deepEqual([s!.pushed_by.username, s!.pushed_by.device], ['alice', 'alice-laptop']);
    const page = await messages(db, spaces, S, {});
    assert.deepEqual(
      page.items.map((m) => [m.message.msg_id, (m.message.content[0] as { text: string }).text, m.author?.username ?? null, m.author?.device ?? null]),
      [
        ['m1', 'alice asks about flamingos', null, null],
        ['m2', 'bob answers with pelicans', 'bob', 'bob-box'],
      ],
    );
    assert.equal((await search(db, spaces, { query: 'pelicans' })).hits.length, 1);
    // Bob purges his copy: his content leaves the team's view, hers stays.
    await bob.push([{ type: 'session.purged', session: S, body: {} }], bob.personal, { [S]: [team] });
    await catchUpSpace(db, team);
    assert.equal((await search(db, spaces, { query: 'pelicans' })).hits.length, 0);
    assert.deepEqual(
      (await messages(db, spaces, S, {})).items.map((m) => m.message.msg_id),
      ['m1'],
    );
    const incremental = await dumpViews(db, spaces);
    await rebuildViews(db, { only: spaces });
    assert.deepEqual(await dumpViews(db, spaces), incremental);
    // Alice purges: the session is gone from the team's views.
    await alice.push([{ type: 'session.purged', session: S, body: {} }], alice.personal, { [S]: [team] });
    await catchUpSpace(db, team);
    assert.equal((await listSessions(db, spaces, {})).total, 0);
    assert.equal((await search(db, spaces, { query: 'flamingos' })).hits.length, 0);
    const rows = await sql<{ n: string }>`select count(*) as n from view_messages where space_id = ${team}`.execute(db);
    assert.equal(Number(rows.rows[0]!.n), 0);
  });

  test(`views (${make.name}): a relay folds what is pushed (after each commit) and what was there before it started`, async (t) => {
    const b = await make();
    const first = await relayOn(b, { views: false });
    const alice = await Pusher.create(first, 'alice', 'orgalice01');
    await alice.push([{ type: 'session.discovered', session: 'ses_aaaaaaaa', body: { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture' } }]);
    await first.close();
    const relay = await relayOn(b);
    t.after(async () => {
      await relay.close();
      await b.drop();
    });
    const db = relay.rdb.db;
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (let i = 0; !(await ok()); i++) {
        if (i > 400) assert.fail(`the relay never folded ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    // Catch-up on start: the session pushed while no relay kept views.
    await until('the events pushed before it started', async () => (await listSessions(db, [alice.personal], {})).total === 1);
    const again = alice.on(db);
    await again.push([{ type: 'messages.captured', session: 'ses_aaaaaaaa', body: { messages: [msg('m1', 'hello walrus')] } }]);
    // Applied by the relay itself after the commit (NOTIFY).
    await until('a pushed event', async () => (await search(db, [alice.personal], { query: 'walrus' })).hits.length > 0);
    assert.equal((await listSessions(db, [alice.personal], {})).sessions[0]!.message_count, 1);
  });
}
