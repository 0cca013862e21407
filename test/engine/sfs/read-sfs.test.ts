import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm, symlink, mkdir, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSfsDir } from '../../../engine/sfs/read-sfs.js';
import { SfsError } from '../../../engine/errors.js';
import { EXAMPLES, EXAMPLE_NAMES, collect, copyExample, tempDir } from './helpers.js';

function rejectsWith(code: string, pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof SfsError, `expected SfsError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return true;
  };
}

for (const name of EXAMPLE_NAMES) {
  test(`reads and validates the ${name} example`, async () => {
    const s = await readSfsDir(join(EXAMPLES, name));
    const lines = (await readFile(join(EXAMPLES, name, 'messages.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(s.messageCount, lines.length);
    assert.equal(s.manifest.sfs_version, '0.1.0');
    const msgs = await collect(s.messages());
    assert.deepEqual(
      msgs,
      lines.map((l) => JSON.parse(l)),
    );
    assert.equal(s.workspace === null, name === 'minimal');
    assert.equal(s.tools === null, name === 'minimal');
    // messages() can be iterated again
    assert.equal((await collect(s.messages())).length, lines.length);
  });
}

test('accepts a last line without a newline and skips blank lines', async () => {
  const dir = await copyExample('minimal');
  const text = await readFile(join(dir, 'messages.jsonl'), 'utf8');
  await writeFile(join(dir, 'messages.jsonl'), `\n${text.trimEnd().replace(/\n/g, '\n\n')}`);
  const s = await readSfsDir(dir);
  assert.equal(s.messageCount, 3);
  assert.equal((await collect(s.messages())).at(-1)?.msg_id, 'msg-003');
});

test('missing directory is NOT_FOUND, missing manifest or messages is INVALID_INPUT', async () => {
  await assert.rejects(readSfsDir(join(await tempDir(), 'nope')), rejectsWith('NOT_FOUND', /no such/));
  const dir = await copyExample('minimal');
  await rm(join(dir, 'manifest.json'));
  await assert.rejects(readSfsDir(dir), rejectsWith('INVALID_INPUT', /^manifest\.json: is missing/));
  const dir2 = await copyExample('minimal');
  await rm(join(dir2, 'messages.jsonl'));
  await assert.rejects(readSfsDir(dir2), rejectsWith('INVALID_INPUT', /^messages\.jsonl: is missing/));
});

test('diff_path escaping the directory is UNSAFE_INPUT', async () => {
  const dir = await copyExample('subagent');
  const ws = JSON.parse(await readFile(join(dir, 'workspace.json'), 'utf8'));
  ws.git.diff_path = '../../etc/passwd';
  await writeFile(join(dir, 'workspace.json'), JSON.stringify(ws));
  await assert.rejects(readSfsDir(dir), rejectsWith('UNSAFE_INPUT', /^workspace\.json: \/git\/diff_path "\.\.\/\.\.\/etc\/passwd" has a \.\. segment$/));
});

test('absolute workspace file path is UNSAFE_INPUT', async () => {
  const dir = await copyExample('complete');
  const ws = JSON.parse(await readFile(join(dir, 'workspace.json'), 'utf8'));
  ws.files[1].path = '/etc/shadow';
  await writeFile(join(dir, 'workspace.json'), JSON.stringify(ws));
  await assert.rejects(readSfsDir(dir), rejectsWith('UNSAFE_INPUT', /workspace\.json: \/files\/1\/path "\/etc\/shadow" is absolute/));
});

test('image file source outside the directory is UNSAFE_INPUT', async () => {
  const dir = await copyExample('minimal');
  const bad = { msg_id: 'img', role: 'user', content: [{ type: 'image', source: { type: 'file', path: '..\\..\\secret.png' } }] };
  await appendFile(join(dir, 'messages.jsonl'), `${JSON.stringify(bad)}\n`);
  await assert.rejects(readSfsDir(dir), rejectsWith('UNSAFE_INPUT', /^messages\.jsonl line 4: \/content\/0\/source\/path .* has a \.\. segment$/));
});

test('a symlinked manifest is UNSAFE_INPUT', async () => {
  const dir = await copyExample('minimal');
  const elsewhere = join(await tempDir(), 'manifest.json');
  await writeFile(elsewhere, await readFile(join(dir, 'manifest.json')));
  await rm(join(dir, 'manifest.json'));
  await symlink(elsewhere, join(dir, 'manifest.json'));
  await assert.rejects(readSfsDir(dir), rejectsWith('UNSAFE_INPUT', /^manifest\.json: is a symbolic link$/));
});

test('a symlinked directory is UNSAFE_INPUT', async () => {
  const dir = await copyExample('minimal');
  const link = join(await tempDir(), 'link.sfs');
  await symlink(dir, link);
  await assert.rejects(readSfsDir(link), rejectsWith('UNSAFE_INPUT', /is a symbolic link$/));
});

test('a directory where a file should be is UNSAFE_INPUT', async () => {
  const dir = await copyExample('minimal');
  await mkdir(join(dir, 'tools.json'));
  await assert.rejects(readSfsDir(dir), rejectsWith('UNSAFE_INPUT', /^tools\.json: is not a regular file$/));
});

test('oversized messages file and oversized line are UNSAFE_INPUT', async () => {
  const dir = await copyExample('complete');
  await assert.rejects(readSfsDir(dir, { maxMessagesBytes: 1000 }), rejectsWith('UNSAFE_INPUT', /^messages\.jsonl: is \d+ bytes, over the 1000 bytes limit$/));
  await assert.rejects(readSfsDir(dir, { maxLineBytes: 500 }), rejectsWith('UNSAFE_INPUT', /^messages\.jsonl line 2: is over the 500 bytes line limit$/));
  await assert.rejects(readSfsDir(dir, { maxJsonFileBytes: 100 }), rejectsWith('UNSAFE_INPUT', /^manifest\.json: is \d+ bytes, over the 100 bytes limit$/));
});

test('a 100,000-deep message (or JSON file) is INVALID_INPUT naming file and line, not a stack overflow', async () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const dir = await copyExample('minimal');
  await appendFile(join(dir, 'messages.jsonl'), `{"msg_id":"m_deep","role":"user","content":[{"type":"text","text":"x"}],"metadata":${deep(100_000)}}\n`);
  await assert.rejects(readSfsDir(dir), rejectsWith('INVALID_INPUT', /^messages\.jsonl line 4: JSON nested deeper than 512 levels$/));
  const dir2 = await copyExample('complete');
  await writeFile(join(dir2, 'tools.json'), `{"tools":${deep(100_000)}}`);
  await assert.rejects(readSfsDir(dir2), rejectsWith('INVALID_INPUT', /^tools\.json: JSON nested deeper than 512 levels$/));
});

test('invalid JSON line is INVALID_INPUT naming file and line', async () => {
  const dir = await copyExample('minimal');
  await appendFile(join(dir, 'messages.jsonl'), '{"msg_id": "x", oops}\n');
  await assert.rejects(readSfsDir(dir), rejectsWith('INVALID_INPUT', /^messages\.jsonl line 4: invalid JSON/));
});

test('schema-invalid line is INVALID_INPUT naming file and line', async () => {
  const dir = await copyExample('minimal');
  await appendFile(join(dir, 'messages.jsonl'), `${JSON.stringify({ msg_id: 'x', role: 'robot', content: [] })}\n`);
  await assert.rejects(readSfsDir(dir), rejectsWith('INVALID_INPUT', /^messages\.jsonl line 4: \/role must be equal to one of the allowed values$/));
  const dir2 = await copyExample('minimal');
  await appendFile(join(dir2, 'messages.jsonl'), `${JSON.stringify({ msg_id: 'y', role: 'user', content: [{ type: 'text' }] })}\n`);
  await assert.rejects(readSfsDir(dir2), rejectsWith('INVALID_INPUT', /^messages\.jsonl line 4: \/content\/0 must have required property 'text'$/));
});

test('invalid manifest is INVALID_INPUT naming the file', async () => {
  const dir = await copyExample('minimal');
  await writeFile(join(dir, 'manifest.json'), '{"sfs_version": "9.9.9"}');
  await assert.rejects(readSfsDir(dir), rejectsWith('INVALID_INPUT', /^manifest\.json: /));
  await writeFile(join(dir, 'manifest.json'), '{nope');
  await assert.rejects(readSfsDir(dir), rejectsWith('INVALID_INPUT', /^manifest\.json: invalid JSON/));
});

test('duplicate msg_id is INVALID_INPUT naming both lines', async () => {
  const dir = await copyExample('minimal');
  const first = (await readFile(join(dir, 'messages.jsonl'), 'utf8')).split('\n')[0];
  await appendFile(join(dir, 'messages.jsonl'), `${first}\n`);
  await assert.rejects(readSfsDir(dir), rejectsWith('INVALID_INPUT', /^messages\.jsonl line 4: duplicate msg_id "msg-001" \(first on line 1\)$/));
});

test('messages() refuses a file that changed after validation', async () => {
  const dir = await copyExample('minimal');
  const s = await readSfsDir(dir);
  await appendFile(join(dir, 'messages.jsonl'), `${JSON.stringify({ msg_id: 'late', role: 'user', content: [] })}\n`);
  await assert.rejects(collect(s.messages()), rejectsWith('UNSAFE_INPUT', /^messages\.jsonl: changed after it was validated$/));
});

test('a line longer than a read chunk is refused, with or without its newline', async () => {
  const dir = await copyExample('minimal');
  const huge = JSON.stringify({ msg_id: 'big', role: 'user', content: [{ type: 'text', text: 'z'.repeat(3 * 1024 * 1024) }] });
  await appendFile(join(dir, 'messages.jsonl'), `${huge}\n`);
  await assert.rejects(readSfsDir(dir, { maxLineBytes: 1024 * 1024 }), rejectsWith('UNSAFE_INPUT', /^messages\.jsonl line 4: is over the 1 MiB line limit$/));
  // Under a generous limit the same line is read fine.
  assert.equal((await readSfsDir(dir)).messageCount, 4);
  const dir2 = await copyExample('minimal');
  await appendFile(join(dir2, 'messages.jsonl'), huge);
  await assert.rejects(readSfsDir(dir2, { maxLineBytes: 1024 * 1024 }), rejectsWith('UNSAFE_INPUT', /^messages\.jsonl line 4: is over the 1 MiB line limit$/));
});
