import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { newSfs, writeSfs, type Sfs } from '../helpers/cli.js';

const ID = 'ses_onlyone00001';

/** "1 sessions": every count in human output agrees with its noun. */
describe('counts of one read in the singular', () => {
  let sfs: Sfs;
  let importOut: string;
  before(async () => {
    sfs = newSfs();
    const dir = writeSfs(sfs.path('one.sfs'), {
      session_id: ID,
      tool: 'claude-code',
      title: 'One of everything',
      created_at: '2026-05-01T09:00:00.000Z',
      messages: [{ role: 'assistant', text: 'x', at: '2026-05-01T09:00:00.000Z' }],
    });
    // one assistant message making one tool call
    writeFileSync(
      path.join(dir, 'messages.jsonl'),
      JSON.stringify({
        msg_id: 'm1',
        parent_msg_id: null,
        role: 'assistant',
        content: [
          { type: 'text', text: 'reading' },
          { type: 'tool_use', tool_use_id: 't1', name: 'Read', input: { file_path: '/a' } },
        ],
        timestamp: '2026-05-01T09:00:00.000Z',
      }) + '\n',
    );
    importOut = await sfs.out(['import', dir]);
  });
  after(() => sfs.dispose());

  test('import: "1 session", "1 message"', () => {
    assert.match(importOut, /^imported ses_onlyone00001 1 message · /m);
    assert.match(importOut, /^1 session: 1 imported, 0 updated, 0 unchanged$/m);
  });

  test('show: "1 tool call"; summary: "1 message, 1 tool call"; export: "(1 message)"', async () => {
    assert.match(await sfs.out(['show', ID]), /^messages {5}1 \(1 tool call\)$/m);
    assert.match(await sfs.out(['summary', ID]), / · 1 message, 1 tool call · /);
    assert.match(await sfs.out(['export', ID, '--out', sfs.path('out.sfs')]), /\(1 message\)$/m);
  });
});
