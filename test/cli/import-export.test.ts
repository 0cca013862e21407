import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { IDS, derivedId, example, msgIds, newSfs, type Sfs } from '../helpers/cli.js';

describe('sfs import / export', () => {
  let sfs: Sfs;
  before(() => {
    sfs = newSfs();
  });
  after(() => sfs.dispose());

  test('the spec examples import; UUID ids become ses_ ids', async () => {
    // The ids are derived from tool + original id (or 'sfs' + the file id when there is none).
    assert.equal(IDS.minimal, derivedId('claude-code', '12fa89c0-1234-5678-abcd-ef0123456789'));
    assert.equal(IDS.complete, derivedId('claude-code', 'e420cbd4-abcd-1234-5678-ef0123456789'));
    assert.equal(IDS.subagent, derivedId('sfs', 'c3d4e5f6-a7b8-4c9d-0e1f-2a3b4c5d6e7f'));

    const data = await sfs.ok(['import', example('minimal'), example('complete'), example('subagent')]);
    assert.deepEqual(
      data.results.map((r: Record<string, unknown>) => [r.session_id, r.source_session_id, r.status, r.messages_added]),
      [
        [IDS.minimal, 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', 'imported', 3],
        [IDS.complete, 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', 'imported', 8],
        [IDS.subagent, 'c3d4e5f6-a7b8-4c9d-0e1f-2a3b4c5d6e7f', 'imported', 7],
      ],
    );
    const list = await sfs.ok(['list']);
    assert.equal(list.total, 3);
    assert.deepEqual(
      list.sessions.map((s: { id: string }) => s.id),
      [IDS.subagent, IDS.complete, IDS.minimal],
    );
  });

  test('re-importing is idempotent and says so', async () => {
    const out = await sfs.out(['import', example('complete'), example('minimal')]);
    assert.match(out, new RegExp(`^unchanged ${IDS.complete} 0 messages · ${example('complete')}$`, 'm'));
    assert.match(out, /^2 sessions: 0 imported, 0 updated, 2 unchanged$/m);
    assert.equal((await sfs.ok(['show', IDS.complete])).messages.total, 8);
  });

  test('export writes a .sfs directory (default ./<id>.sfs) and refuses to overwrite without --force', async () => {
    const data = await sfs.ok(['export', 'ses_a896']);
    assert.deepEqual({ ...data, bytes: undefined }, { session: IDS.complete, format: 'sfs', path: sfs.path(`${IDS.complete}.sfs`), messages: 8, bytes: undefined });
    assert.ok(data.bytes > 4000);
    const dir = sfs.path(`${IDS.complete}.sfs`);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.session_id, IDS.complete);
    assert.equal(manifest.title, 'Add user validation to signup endpoint');
    assert.equal(manifest.metadata.sessionfs_imported_session_id, 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e');
    assert.equal(manifest.source.original_session_id, 'e420cbd4-abcd-1234-5678-ef0123456789');
    assert.equal(manifest.stats.message_count, 8);
    assert.deepEqual(manifest.ownership, { owner: 'ola@example.com', team: 'backend' });
    const lines = readFileSync(path.join(dir, 'messages.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).msg_id),
      ['msg-001', 'msg-002', 'msg-003', 'msg-004', 'msg-005', 'msg-006', 'msg-007', 'msg-008'],
    );
    assert.ok(existsSync(path.join(dir, 'workspace.json')));
    assert.ok(existsSync(path.join(dir, 'tools.json')));

    const again = await sfs.fails(['export', 'ses_a896'], 'CONFLICT', 7);
    assert.match(again.message, /already exists/);
    assert.equal((await sfs.ok(['export', 'ses_a896', '--force'])).messages, 8);
  });

  test('export --format md writes a Markdown transcript (to a file or with -o - to stdout)', async () => {
    const out = sfs.path('t.md');
    const data = await sfs.ok(['export', IDS.complete, '--format', 'md', '-o', out]);
    assert.deepEqual(data, { session: IDS.complete, format: 'md', path: out });
    const md = readFileSync(out, 'utf8');
    assert.match(md, /^# Add user validation to signup endpoint\n/);
    assert.match(md, new RegExp(`^- \\*\\*Session:\\*\\* \`${IDS.complete}\`$`, 'm'));
    assert.match(md, /^- \*\*Branch:\*\* `feature\/signup-validation`$/m);
    assert.match(md, /^- \*\*Messages:\*\* 8$/m);
    assert.match(md, /^## 1\. User$/m);
    assert.match(md, /^## 8\. Assistant$/m);
    assert.ok(md.includes('Add email validation to the signup endpoint in src/api/auth.py'));

    const stdout = await sfs.out(['export', 'ses_2b10', '--format', 'md', '-o', '-']);
    assert.match(stdout, /^# Hello world test\n/);
    assert.ok(stdout.includes('Hello, world!'));
    assert.ok(stdout.includes('Thanks!'));
    assert.deepEqual(readdirSync(sfs.dir).sort(), [`${IDS.complete}.sfs`, 't.md']);
  });

  test('round trip: export, import into a fresh SFS_HOME, same show --json (session and messages)', async () => {
    const out = sfs.path('rt');
    const dirs = [];
    for (const [name, id] of Object.entries(IDS)) {
      const dir = path.join(out, `${name}.sfs`);
      await sfs.ok(['export', id, '-o', dir]);
      dirs.push(dir);
    }
    const fresh = newSfs();
    try {
      const res = await fresh.ok(['import', ...dirs]);
      assert.deepEqual(
        res.results.map((r: { session_id: string; status: string }) => [r.session_id, r.status]),
        [
          [IDS.minimal, 'imported'],
          [IDS.complete, 'imported'],
          [IDS.subagent, 'imported'],
        ],
      );
      for (const id of Object.values(IDS)) {
        const [a, b] = await Promise.all([sfs.ok(['show', id, '--all']), fresh.ok(['show', id, '--all'])]);
        assert.deepEqual(b.session, a.session, `session ${id}`);
        assert.deepEqual(b.messages, a.messages, `messages of ${id}`);
        assert.ok(msgIds(a).length >= 3);
      }
      assert.deepEqual((await fresh.ok(['list'])).sessions, (await sfs.ok(['list'])).sessions);
      // And a second generation export is byte-identical to the first.
      const again = fresh.path('again.sfs');
      await fresh.ok(['export', IDS.complete, '-o', again]);
      for (const f of ['manifest.json', 'messages.jsonl', 'workspace.json', 'tools.json']) {
        assert.equal(readFileSync(path.join(again, f), 'utf8'), readFileSync(path.join(out, 'complete.sfs', f), 'utf8'), f);
      }
    } finally {
      fresh.dispose();
    }
  });
});
