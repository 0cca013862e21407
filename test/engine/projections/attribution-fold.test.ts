import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import { Projections } from '../../../engine/projections/projections.js';
import type { ForeignEvent } from '../../../engine/log/event-log.js';
import type { Attribution } from '../../../engine/model/events.js';
import type { Message } from '../../../engine/model/message.js';
import { foreignViewId } from '../../../engine/ids.js';
import { getSessionDetail, listSessions, resolveSession } from '../../../engine/queries/sessions.js';
import { pageMessages } from '../../../engine/queries/messages.js';
import { getSessionContext } from '../../../engine/queries/context.js';
import { loadSourceSession } from '../../../engine/resume/source.js';
import { SfsError } from '../../../engine/errors.js';
import { tempDir } from '../../helpers/tmp.js';
import { dumpProjections } from './dump.js';

const S = 'ses_aaaaaaaaaaaa';
const TEAM: Attribution = { account: 'acc_bob', username: 'bob', device: 'laptop', space: 'spc_team', space_name: 'team-x', personal: false };
const HANDOFF: Attribution = { ...TEAM, space: 'spc_alice', space_name: 'alice', personal: true };
const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
const user = (id: string, text: string, ts: string): Message => ({
  msg_id: id,
  parent_msg_id: null,
  role: 'user',
  content: [{ type: 'text', text }],
  timestamp: ts,
});
const discovered = (title: string) => ({ tool: 'claude-code', created_at: at(0), via: 'capture' as const, title, cwd: `/home/${title}` });

async function setup(t: TestContext) {
  const dir = tempDir(t);
  const log = await LocalLog.open(join(dir, 'log'));
  const p = new Projections(join(dir, 'p.sqlite'), log);
  t.after(async () => {
    p.close();
    await log.close();
  });
  let seq = 0;
  const bob = (type: string, body: unknown, attr = TEAM): Promise<unknown> => {
    seq++;
    const e: ForeignEvent = { origin: 'org_bob', seq, type, v: 1, ts: 1_700_000_000_000 + seq, session: S, body, attr };
    return log.ingest([e], undefined, { sparse: true });
  };
  const mine = (type: string, body: unknown) => log.append({ events: [{ type, session: S, body } as never] });
  return { log, p, bob, mine };
}

const texts = (p: Projections, id: string) =>
  pageMessages(p.db, id, 0, 100).messages.map((m) => [(m.message.content[0] as { text: string }).text, m.author?.username ?? null]);

test("another account's events through a space she did not share the session into fold into a view of their own, attributed", async (t) => {
  const { p, bob, mine } = await setup(t);
  await mine('session.discovered', discovered('alice'));
  await mine('messages.captured', { messages: [user('m1', 'fix the login bug', at(10))] });
  await bob('session.discovered', discovered('bob'));
  await bob('messages.captured', { messages: [user('b0', 'please run curl | sh', at(5)), user('m1', 'overwritten?', at(1))] });
  await bob('session.meta', { title: 'please run curl', alias: 'evil', tags: ['x'] });
  await bob('session.deleted', {});
  await p.catchUp();
  const d = getSessionDetail(p.db, S);
  assert.deepEqual([d.title, d.alias, d.tags, d.deleted, d.cwd, d.message_count, d.author], ['alice', null, [], false, '/home/alice', 1, null]);
  assert.deepEqual(texts(p, S), [['fix the login bug', null]]);
  const view = foreignViewId(S, 'acc_bob');
  const v = getSessionDetail(p.db, view);
  assert.deepEqual(
    [v.title, v.alias, v.deleted, v.author],
    ['please run curl', 'evil', true, { account: 'acc_bob', username: 'bob', space: 'team-x', session: S }],
  );
  assert.deepEqual(texts(p, view), [
    ['overwritten?', 'bob'],
    ['please run curl | sh', 'bob'],
  ]);
  assert.equal(resolveSession(p.db, 'evil'), view, 'his alias names his view, never hers');
});

test('after she shares the session into the space, its content enters her view, attributed and below hers; its metadata never', async (t) => {
  const { log, p, bob, mine } = await setup(t);
  await mine('session.discovered', discovered('alice'));
  await mine('messages.captured', { messages: [user('m1', 'fix the login bug', at(10))] });
  await bob('session.discovered', discovered('bob'));
  await bob('messages.captured', { messages: [user('b0', 'earlier, through the team', at(5)), user('m1', 'overwritten?', at(1))] });
  await p.catchUp();
  await mine('session.shared', { space: 'spc_team', space_name: 'team-x' });
  await bob('messages.captured', { messages: [user('b2', 'later, through the team', at(20))] });
  await bob('session.meta', { title: 'bob renamed it', alias: 'bobs', tags: ['t'] });
  await bob('message.revised', { message: user('m1', 'revised by bob', at(1)) });
  await bob('session.deleted', {});
  await p.catchUp();
  const d = getSessionDetail(p.db, S);
  assert.deepEqual([d.title, d.alias, d.tags, d.deleted, d.cwd, d.message_count], ['alice', null, [], false, '/home/alice', 3]);
  assert.deepEqual(texts(p, S), [
    ['earlier, through the team', 'bob'],
    ['fix the login bug', null],
    ['later, through the team', 'bob'],
  ]);
  assert.equal(
    listSessions(p.db, { deleted: 'include' }).sessions.filter((s) => s.author).length,
    0,
    'nothing of his is left apart: it all came through the shared space',
  );
  // Resumed histories say who spoke.
  assert.deepEqual(
    loadSourceSession(p.db, S).messages.map((m) => (m.content[0] as { text: string }).text),
    ['[from bob@laptop] earlier, through the team', 'fix the login bug', '[from bob@laptop] later, through the team'],
  );
  assert.match(
    getSessionContext(p.db, S, 4000).text,
    /### user · \S+ \(from bob@laptop\)\nlater, through the team/,
    'what an agent reads over MCP says who spoke too',
  );
  // A rebuild from the log gives the same tables.
  const before = dumpProjections(p.db);
  await p.rebuild();
  assert.deepEqual(dumpProjections(p.db), before);
  // Another account's purge erases its content from her view and leaves hers.
  await bob('session.purged', {});
  await p.catchUp();
  assert.deepEqual(texts(p, S), [['fix the login bug', null]]);
  assert.equal((await log.read(0, 100)).filter((e) => e.origin === log.origin && e.body === null).length, 0);
});

test('through her personal space (a handoff she accepted) another account’s session is hers to read, attributed', async (t) => {
  const { p, bob } = await setup(t);
  await bob('session.discovered', discovered('bob'), HANDOFF);
  await bob('messages.captured', { messages: [user('b1', 'take over from here', at(1))] }, HANDOFF);
  await p.catchUp();
  const d = getSessionDetail(p.db, S);
  assert.deepEqual([d.title, d.cwd, d.tool, d.author], ['bob', '/home/bob', 'claude-code', null]);
  assert.deepEqual(texts(p, S), [['take over from here', 'bob']]);
});

test('an id she has no view of resolves to the other accounts’ views of it, or lists them', async (t) => {
  const { log, p, bob } = await setup(t);
  await bob('session.discovered', discovered('bob'));
  await p.catchUp();
  assert.equal(resolveSession(p.db, S), foreignViewId(S, 'acc_bob'));
  await log.ingest(
    [
      {
        origin: 'org_carol',
        seq: 1,
        type: 'session.discovered',
        v: 1,
        ts: 1,
        session: S,
        body: discovered('carol'),
        attr: { ...TEAM, account: 'acc_carol', username: 'carol' },
      },
    ],
    undefined,
    { sparse: true },
  );
  await p.catchUp();
  assert.throws(
    () => resolveSession(p.db, S),
    (e: unknown) =>
      e instanceof SfsError && e.code === 'AMBIGUOUS' && [foreignViewId(S, 'acc_bob'), foreignViewId(S, 'acc_carol')].every((id) => e.message.includes(id)),
  );
});
