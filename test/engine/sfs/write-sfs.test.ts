import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readSfsDir } from '../../../engine/sfs/read-sfs.js';
import { writeSfsDir } from '../../../engine/sfs/write-sfs.js';
import { SfsError } from '../../../engine/errors.js';
import type { Message } from '../../../engine/model/message.js';
import { EXAMPLES, EXAMPLE_NAMES, collect, tempDir } from './helpers.js';

for (const name of EXAMPLE_NAMES) {
  test(`write → read round trip keeps the ${name} example equal`, async () => {
    const src = await readSfsDir(join(EXAMPLES, name));
    const msgs = await collect(src.messages());
    const dest = join(await tempDir(), `${name}.sfs`);
    const res = await writeSfsDir(dest, { manifest: src.manifest, workspace: src.workspace, tools: src.tools, messages: src.messages() });
    assert.equal(res.messageCount, msgs.length);
    const back = await readSfsDir(dest);
    assert.deepEqual(back.manifest, src.manifest);
    assert.deepEqual(back.workspace, src.workspace);
    assert.deepEqual(back.tools, src.tools);
    assert.deepEqual(await collect(back.messages()), msgs);
    const files = (await readdir(dest)).sort();
    assert.deepEqual(files, name === 'minimal' ? ['manifest.json', 'messages.jsonl'] : ['manifest.json', 'messages.jsonl', 'tools.json', 'workspace.json']);
    // nothing left behind next to dest
    assert.deepEqual(await readdir(join(dest, '..')), [`${name}.sfs`]);
  });
}

test('output is deterministic: key order does not depend on how objects were built', async () => {
  const a: Message = {
    msg_id: 'm1',
    role: 'assistant',
    content: [{ type: 'tool_use', tool_use_id: 't', name: 'Edit', input: { b: 1, a: { d: 2, c: 3 } } }],
    model: 'x',
    parent_msg_id: null,
  };
  const b = JSON.parse(
    '{"parent_msg_id":null,"model":"x","content":[{"input":{"a":{"c":3,"d":2},"b":1},"name":"Edit","tool_use_id":"t","type":"tool_use"}],"role":"assistant","msg_id":"m1"}',
  ) as Message;
  const manifest = { sfs_version: '0.1.0' as const, session_id: 'ses_abcdef012345', created_at: '2026-01-01T00:00:00.000Z', source: { tool: 'codex' } };
  const d1 = join(await tempDir(), 'a.sfs');
  const d2 = join(await tempDir(), 'b.sfs');
  await writeSfsDir(d1, { manifest, workspace: null, tools: null, messages: [a] });
  await writeSfsDir(d2, {
    manifest: { source: { tool: 'codex' }, created_at: manifest.created_at, session_id: manifest.session_id, sfs_version: '0.1.0' },
    messages: [b],
  });
  const t1 = await readFile(join(d1, 'messages.jsonl'), 'utf8');
  assert.equal(t1, await readFile(join(d2, 'messages.jsonl'), 'utf8'));
  assert.equal(await readFile(join(d1, 'manifest.json'), 'utf8'), await readFile(join(d2, 'manifest.json'), 'utf8'));
  assert.equal(
    t1,
    '{"msg_id":"m1","parent_msg_id":null,"role":"assistant","content":[{"type":"tool_use","tool_use_id":"t","name":"Edit","input":{"a":{"c":3,"d":2},"b":1}}],"model":"x"}\n',
  );
  assert.ok((await readFile(join(d1, 'manifest.json'), 'utf8')).startsWith('{\n  "sfs_version": "0.1.0",\n  "session_id"'));
});

test('refuses a non-empty dest unless overwrite, and overwrites atomically', async () => {
  const src = await readSfsDir(join(EXAMPLES, 'minimal'));
  const dest = join(await tempDir(), 'out.sfs');
  await mkdir(dest);
  await writeFile(join(dest, 'keep.txt'), 'x');
  const data = { manifest: src.manifest, messages: src.messages() };
  await assert.rejects(writeSfsDir(dest, data), (e: unknown) => e instanceof SfsError && e.code === 'CONFLICT' && /not empty/.test(e.message));
  assert.deepEqual(await readdir(dest), ['keep.txt']);
  await writeSfsDir(dest, { manifest: src.manifest, messages: src.messages() }, { overwrite: true });
  assert.deepEqual((await readdir(dest)).sort(), ['manifest.json', 'messages.jsonl']);
  assert.deepEqual(await readdir(join(dest, '..')), ['out.sfs']);
});

test('an empty existing dest directory is fine', async () => {
  const src = await readSfsDir(join(EXAMPLES, 'minimal'));
  const dest = join(await tempDir(), 'empty.sfs');
  await mkdir(dest);
  await writeSfsDir(dest, { manifest: src.manifest, messages: src.messages() });
  assert.equal((await readSfsDir(dest)).messageCount, 3);
});

test('invalid data is refused and nothing is left behind', async () => {
  const src = await readSfsDir(join(EXAMPLES, 'minimal'));
  const parent = await tempDir();
  const dest = join(parent, 'bad.sfs');
  const msgs = await collect(src.messages());
  const dup = [...msgs, msgs[0]!];
  await assert.rejects(
    writeSfsDir(dest, { manifest: src.manifest, messages: dup }),
    (e: unknown) => e instanceof SfsError && e.code === 'INVALID_INPUT' && /^messages\.jsonl line 4: duplicate msg_id "msg-001"/.test(e.message),
  );
  const badRole = [{ ...msgs[0]!, role: 'robot' }] as unknown as Message[];
  await assert.rejects(
    writeSfsDir(dest, { manifest: src.manifest, messages: badRole }),
    (e: unknown) => e instanceof SfsError && e.code === 'INVALID_INPUT' && /^messages\.jsonl line 1: \/role/.test(e.message),
  );
  await assert.rejects(
    writeSfsDir(dest, { manifest: { ...src.manifest, created_at: 'yesterday' }, messages: [] }),
    (e: unknown) => e instanceof SfsError && e.code === 'INVALID_INPUT' && /^manifest\.json: \/created_at/.test(e.message),
  );
  await assert.rejects(
    writeSfsDir(dest, { manifest: src.manifest, workspace: { git: { diff_path: '../x.patch' } }, messages: [] }),
    (e: unknown) => e instanceof SfsError && e.code === 'UNSAFE_INPUT',
  );
  assert.deepEqual(await readdir(parent), []);
});

test('streams messages from an async generator', async () => {
  const src = await readSfsDir(join(EXAMPLES, 'minimal'));
  async function* many(): AsyncGenerator<Message> {
    for (let i = 0; i < 5000; i++)
      yield {
        msg_id: `m${i}`,
        parent_msg_id: i ? `m${i - 1}` : null,
        role: i % 2 ? 'assistant' : 'user',
        content: [{ type: 'text', text: `line ${i} ${'x'.repeat(300)}` }],
      };
  }
  const dest = join(await tempDir(), 'many.sfs');
  const res = await writeSfsDir(dest, { manifest: src.manifest, messages: many() });
  assert.equal(res.messageCount, 5000);
  const back = await readSfsDir(dest);
  assert.equal(back.messageCount, 5000);
});
