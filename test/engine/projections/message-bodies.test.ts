import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import type { Message } from '../../../engine/model/message.js';
import { Projections } from '../../../engine/projections/projections.js';
import { iterateMessages } from '../../../engine/queries/messages.js';
import { search } from '../../../engine/queries/search.js';
import { tempDir } from '../../helpers/tmp.js';

// Bodies are stored compressed, in chunks, without the columns their row holds; the search index
// keeps no text of its own. What reads them back must get the messages exactly as captured.
const S = 'ses_0000bodies01';
const big = 'lorem ipsum dolor sit amet '.repeat(1300); // several chunks in one event
const messages: Message[] = [
  { msg_id: 'm1', parent_msg_id: null, role: 'user', content: [{ type: 'text', text: 'find the walrus' }], timestamp: '2026-03-20T14:00:00.000Z' },
  // A timestamp in another form than the ts column's, no parent at all, fields of other tools.
  { msg_id: 'm2', role: 'assistant', content: [{ type: 'text', text: big }], timestamp: '2026-03-20T14:01:00+00:00', extra: { a: [1, 2] } },
  {
    msg_id: 'm3',
    parent_msg_id: 'm2',
    role: 'assistant',
    content: [{ type: 'tool_use', tool_use_id: 't1', name: 'Bash', input: { command: 'ls narwhal' } }],
    usage: { input_tokens: 3 },
  },
  { msg_id: 'm4', parent_msg_id: 'm3', role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: big + ' okapi' }], timestamp: null },
];

test('messages read back exactly as captured; revisions and purges leave the search index intact', async (t) => {
  const dir = tempDir(t);
  const log = await LocalLog.open(join(dir, 'log'));
  const p = new Projections(join(dir, 'p.sqlite'), log);
  t.after(async () => {
    p.close();
    await log.close();
  });
  let seq = 0;
  const append = async (type: string, body: unknown, session = S) => {
    seq++;
    await log.ingest([{ origin: 'org_1', seq, type, v: 1, ts: 1_790_000_000_000 + seq, session, body } as never]);
    await p.catchUp();
  };
  const intact = () => p.db.prepare("INSERT INTO search(search, rank) VALUES ('integrity-check', 1)").run();
  const read = () => [...iterateMessages(p.db, S)].map((m) => m.message);
  const hits = (q: string) => search(p.db, { query: q }).map((h) => [h.msg_id, h.snippet]);

  await append('session.discovered', { tool: 'codex', created_at: '2026-03-20T14:00:00.000Z', via: 'capture', title: 'zoo' });
  await append('messages.captured', { messages });
  assert.ok((p.db.prepare('SELECT COUNT(*) AS n FROM message_bodies').get() as { n: number }).n >= 2, 'one event spans several chunks');
  assert.deepEqual(JSON.stringify(read()), JSON.stringify(messages));
  assert.deepEqual(hits('walrus'), [['m1', 'find the \u0002walrus\u0003']]);
  assert.deepEqual(hits('okapi').length, 1);
  intact();

  // A revision replaces the text in the index and its body; the chunk it left is still used by the others.
  const revised: Message = { ...messages[0]!, content: [{ type: 'text', text: 'find the narwhal' }] };
  await append('message.revised', { message: revised });
  assert.deepEqual(JSON.stringify(read()), JSON.stringify([revised, ...messages.slice(1)]));
  assert.deepEqual(hits('walrus'), []);
  assert.deepEqual(
    hits('narwhal')
      .map((h) => h[0])
      .sort(),
    ['m1', 'm3'],
  );
  intact();
  const unused = p.db.prepare('SELECT COUNT(*) AS n FROM message_bodies b WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.body_id = b.id)');
  assert.equal((unused.get() as { n: number }).n, 0);

  await append('session.purged', {});
  assert.deepEqual(read(), []);
  assert.deepEqual(hits('narwhal'), []);
  assert.equal((p.db.prepare('SELECT COUNT(*) AS n FROM message_bodies').get() as { n: number }).n, 0);
  intact();
});
