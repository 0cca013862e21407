import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapDirectory, remapMessages } from '../../../engine/resume/remap-paths.js';
import type { Message } from '../../../engine/model/message.js';

const m = (content: Message['content'], role: Message['role'] = 'assistant'): Message => ({ msg_id: 'm', role, content });

test('only whole path prefixes under the old root are rewritten, in text, tool inputs and tool results; thinking is left signed', () => {
  const msgs: Message[] = [
    m([{ type: 'text', text: 'see /srv/app/src/a.ts and /srv/app, not /srv/app2/x or /x/srv/app/y; file:///srv/app/b' }], 'user'),
    m([
      { type: 'thinking', text: 'open /srv/app/src/a.ts', signature: 'sig' },
      { type: 'tool_use', tool_use_id: 't1', name: 'Edit', input: { file_path: '/srv/app/src/a.ts', edits: [{ old: 'x', note: ['/srv/app/c'] }], n: 3 } },
    ]),
    m(
      [
        { type: 'tool_result', tool_use_id: 't1', content: 'wrote /srv/app/src/a.ts' },
        { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: '/srv/app/d' }] },
      ],
      'tool',
    ),
  ];
  const before = JSON.stringify(msgs);
  const { messages, replaced } = remapMessages(msgs, { from: '/srv/app', to: '/home/me/app' });
  assert.equal(JSON.stringify(msgs), before, 'the input is not changed');
  assert.equal(replaced, 7);
  const text = (messages[0]!.content[0] as { text: string }).text;
  assert.equal(text, 'see /home/me/app/src/a.ts and /home/me/app, not /srv/app2/x or /x/srv/app/y; file:///home/me/app/b');
  assert.equal((messages[1]!.content[0] as { text: string }).text, 'open /srv/app/src/a.ts');
  assert.deepEqual((messages[1]!.content[1] as { input: unknown }).input, {
    file_path: '/home/me/app/src/a.ts',
    edits: [{ old: 'x', note: ['/home/me/app/c'] }],
    n: 3,
  });
  assert.equal((messages[2]!.content[0] as { content: string }).content, 'wrote /home/me/app/src/a.ts');
  assert.deepEqual((messages[2]!.content[1] as { content: unknown }).content, [{ type: 'text', text: '/home/me/app/d' }]);
});

test('a directory maps by the longest root that contains it', () => {
  const map = { '/srv': '/a', '/srv/app': '/b/app' };
  assert.deepEqual(mapDirectory('/srv/app/web', map), { from: '/srv/app', to: '/b/app' });
  assert.deepEqual(mapDirectory('/srv/other', map), { from: '/srv', to: '/a' });
  assert.equal(mapDirectory('/srv2/app', map), null);
});
