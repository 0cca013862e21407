import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { readSfsDir } from '../../../engine/sfs/read-sfs.js';
import { renderMarkdown, writeMarkdown, headerFromSfs, fenced } from '../../../engine/sfs/markdown.js';
import type { Message } from '../../../engine/model/message.js';
import { EXAMPLES } from './helpers.js';

test('transcript of the complete example has title, facts, roles, thinking, tool calls and results', async () => {
  const s = await readSfsDir(join(EXAMPLES, 'complete'));
  const md = await renderMarkdown(headerFromSfs(s.manifest, s.workspace), s.messages());
  assert.match(md, /^# Add user validation to signup endpoint\n/);
  assert.match(md, /- \*\*Model:\*\* claude-opus-4-6/);
  assert.match(md, /- \*\*Tool:\*\* claude-code 2\.1\.59/);
  assert.match(md, /- \*\*Branch:\*\* `feature\/signup-validation`/);
  assert.match(md, /## 1\. User\n/);
  assert.match(md, /## 2\. Assistant\n/);
  assert.match(md, /## 3\. Tool\n/);
  assert.match(md, /<details><summary>Thinking<\/summary>\n\n> I need to read the current auth\.py/);
  assert.match(md, /\*\*Tool call:\*\* `Read` \(toolu_001\)\n\n```json\n\{\n  "file_path": "src\/api\/auth\.py"\n\}\n```/);
  assert.match(md, /\*\*Tool result\*\* \(toolu_002\)\n\n```\nFile edited successfully\.\n```/);
});

test('marks injected, compaction, API-error and sub-agent messages; truncates long results; notes images', async () => {
  const msgs: Message[] = [
    { msg_id: 'a', role: 'user', is_injected: true, content: [{ type: 'text', text: '<environment>cwd</environment>' }] },
    { msg_id: 'b', role: 'system', is_compaction: true, content: [{ type: 'summary', text: 'Earlier we did X.' }] },
    { msg_id: 'c', role: 'assistant', is_api_error: true, content: [{ type: 'text', text: 'overloaded' }] },
    { msg_id: 'd', role: 'tool', content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: 'y'.repeat(10_000) }] },
    {
      msg_id: 'e',
      role: 'user',
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(4096) } },
        { type: 'weird_block', foo: 1 },
      ],
    },
    { msg_id: 'f', role: 'assistant', is_sidechain: true, agent_id: 'agent-1', content: [{ type: 'thinking', text: '', redacted: true }] },
  ];
  const md = await renderMarkdown({ title: null, sessionId: 'ses_x' }, msgs, { maxToolResultChars: 100 });
  assert.match(md, /^# Untitled session\n/);
  assert.match(md, /## 1\. User — injected by the tool/);
  assert.match(md, /## 2\. System — context compaction[\s\S]*\*\*Summary\*\*\n\n> Earlier we did X\./);
  assert.match(md, /## 3\. Assistant — API error/);
  assert.match(md, /\*\*Tool result \(error\)\*\* \(t1\)\n\n```\ny{100}\n… \[9900 more characters cut\]\n```/);
  assert.match(md, /_\[image: image\/png, 3 KB inline\]_/);
  assert.match(md, /_\[weird_block block\]_/);
  assert.match(md, /## 6\. Assistant — sub-agent agent-1/);
  assert.match(md, /Thinking \(redacted\)/);
  assert.ok(!md.includes('A'.repeat(100)), 'image data is not inlined');
});

test('fences outgrow backticks in the content', () => {
  assert.equal(fenced('a ``` b'), '````\na ``` b\n````');
});

test('writeMarkdown streams the same text', async () => {
  const s = await readSfsDir(join(EXAMPLES, 'subagent'));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeMarkdown(out, headerFromSfs(s.manifest, s.workspace), s.messages());
  out.end();
  assert.equal(Buffer.concat(chunks).toString('utf8'), await renderMarkdown(headerFromSfs(s.manifest, s.workspace), s.messages()));
});
