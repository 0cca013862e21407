import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { adapter as codex } from '../../adapters/codex/index.js';
import { captureSource } from '../../engine/capture/capture-source.js';
import { resolvePaths } from '../../engine/paths.js';
import { withStore } from '../../engine/store.js';
import { IDS, ROOT, derivedId, example, msgIds, newSfs, type Sfs } from '../helpers/cli.js';

const CODEX_NATIVE = '01a20bb6-a20e-7161-b797-48b808b8cbd7';
const CODEX_ROLLOUT = path.resolve(
  ROOT,
  `test/fixtures/codex/generated-codex-0.169.0/dot-codex/sessions/2026/11/24/rollout-2026-11-24T04-00-48-${CODEX_NATIVE}.jsonl`,
);

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

  test('a message nested 100,000 deep is INVALID_INPUT naming the file and line (not a stack overflow), and nothing is imported', async () => {
    const dir = path.join(sfs.dir, 'deep.sfs');
    cpSync(example('minimal'), dir, { recursive: true });
    const file = path.join(dir, 'messages.jsonl');
    chmodSync(dir, 0o755);
    chmodSync(file, 0o644);
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    writeFileSync(file, readFileSync(file, 'utf8') + `{"msg_id":"m_deep","role":"user","content":[{"type":"text","text":"x"}],"metadata":${deep}}\n`);
    const e = await sfs.fails(['import', dir], 'INVALID_INPUT', 5);
    assert.equal(e.message, `${file} line 4: JSON nested deeper than 512 levels`);
  });

  test('re-importing is idempotent and says so', async () => {
    const out = await sfs.out(['import', example('complete'), example('minimal')]);
    assert.match(out, new RegExp(`^unchanged ${IDS.complete} 0 messages · ${example('complete')}$`, 'm'));
    assert.match(out, /^2 sessions: 0 imported, 0 updated, 2 unchanged$/m);
    assert.equal((await sfs.ok(['show', IDS.complete])).messages.total, 8);
  });

  test('export writes a .sfs directory (default ./<id>.sfs) and refuses to overwrite without --force', async () => {
    const data = await sfs.ok(['export', 'ses_a896']);
    assert.deepEqual(
      { ...data, bytes: undefined },
      { session: IDS.complete, format: 'sfs', path: sfs.path(`${IDS.complete}.sfs`), messages: 8, bytes: undefined },
    );
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
    // `-o -` wrote nothing to disk (no file named '-'); other tests of this suite share the directory.
    assert.equal(existsSync(sfs.path('-')), false);
  });

  test('a captured session guided by project rules: export carries its rules record, import restores it', async () => {
    // The Codex fixture, run in a repository with rules (its cwd moved there), captured as the daemon would.
    const repo = sfs.path('demo-app');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'https://github.com/acme/demo-app.git']);
    await sfs.ok(['rules', 'init', '--project', repo]);
    const rules = await sfs.ok(['rules', 'show', '--project', repo]);
    const rollout = sfs.path('rollout.jsonl');
    writeFileSync(rollout, readFileSync(CODEX_ROLLOUT, 'utf8').replaceAll('/home/dev/projects/demo-app', repo));
    await withStore(
      (store) => captureSource(store, codex, { path: rollout, style: 'append' }, { home: '/nonexistent', platform: 'linux', env: {} }),
      resolvePaths({ SFS_HOME: sfs.home }),
    );
    const id = derivedId('codex', CODEX_NATIVE);
    const record = { project: 'github.com/acme/demo-app', version: 1, hash: rules.hash };
    assert.deepEqual((await sfs.ok(['show', id, '--no-messages'])).session.header.rules, record);

    const dir = sfs.path('ruled.sfs');
    await sfs.ok(['export', id, '-o', dir]);
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).metadata.sessionfs_rules, record);
    const fresh = newSfs();
    try {
      await fresh.ok(['import', dir]);
      const shown = await fresh.ok(['show', id, '--no-messages']);
      assert.deepEqual(shown.session.header.rules, record);
      assert.equal(shown.session.header.manifest_extra, null, 'the record is restored as the rules, not left in the metadata');
      assert.match(
        (await fresh.run(['show', id, '--no-messages'], { env: { NO_COLOR: '1' } })).stdout,
        new RegExp(`^rules +version 1 · ${rules.hash.slice(0, 8)}$`, 'm'),
      );
    } finally {
      fresh.dispose();
    }
  });

  test("a rules record of another shape in a foreign .sfs is somebody else's metadata: kept verbatim, not taken as rules", async () => {
    const dir = sfs.path('foreign.sfs');
    cpSync(example('minimal'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.session_id = 'foreign-rules-0001';
    manifest.source.original_session_id = null;
    manifest.metadata = { sessionfs_rules: { version: 'two', hash: 'abc' }, team: 'x' };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const fresh = newSfs();
    try {
      const [r] = (await fresh.ok(['import', dir])).results;
      const shown = await fresh.ok(['show', r.session_id, '--no-messages']);
      assert.equal(shown.session.header.rules, undefined);
      await fresh.ok(['export', r.session_id, '-o', fresh.path('out.sfs')]);
      assert.deepEqual(JSON.parse(readFileSync(fresh.path('out.sfs', 'manifest.json'), 'utf8')).metadata, {
        sessionfs_rules: { version: 'two', hash: 'abc' },
        team: 'x',
        sessionfs_imported_session_id: 'foreign-rules-0001',
      });
    } finally {
      fresh.dispose();
    }
  });

  test('round trip: export, import into a fresh SFS_HOME, same show --json (session and messages)', async () => {
    const out = sfs.path('rt');
    const dirs = [];
    const ruledId = derivedId('codex', CODEX_NATIVE);
    // The spec examples, and the captured session with a rules record from the test above.
    for (const [name, id] of [...Object.entries(IDS), ['ruled', ruledId] as const]) {
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
          [ruledId, 'imported'],
        ],
      );
      for (const id of Object.values(IDS)) {
        const [a, b] = await Promise.all([sfs.ok(['show', id, '--all']), fresh.ok(['show', id, '--all'])]);
        assert.deepEqual(b.session, a.session, `session ${id}`);
        assert.deepEqual(b.messages, a.messages, `messages of ${id}`);
        assert.ok(msgIds(a).length >= 3);
      }
      // A captured session becomes an imported one (via, and the workspace the file spells out, differ):
      // its messages and rules record come through, and from then on import(export(s)) = s.
      const [captured, imported] = await Promise.all([sfs.ok(['show', ruledId, '--all']), fresh.ok(['show', ruledId, '--all'])]);
      assert.deepEqual(imported.messages, captured.messages);
      assert.deepEqual(imported.session.header.rules, captured.session.header.rules);
      assert.equal(imported.session.header.rules.version, 1);
      const second = newSfs();
      try {
        const dir = fresh.path('ruled-gen2.sfs');
        await fresh.ok(['export', ruledId, '-o', dir]);
        await second.ok(['import', dir]);
        const again = await second.ok(['show', ruledId, '--all']);
        assert.deepEqual(again.session, imported.session);
        assert.deepEqual(again.messages, imported.messages);
      } finally {
        second.dispose();
      }
      const listed = (x: { sessions: Array<{ id: string }> }) => x.sessions.filter((s) => s.id !== ruledId);
      assert.deepEqual(listed(await fresh.ok(['list'])), listed(await sfs.ok(['list'])));
      // And a second generation export is byte-identical to the first.
      const again = fresh.path('again.sfs');
      await fresh.ok(['export', IDS.complete, '-o', again]);
      for (const f of ['manifest.json', 'messages.jsonl', 'workspace.json', 'tools.json']) {
        assert.equal(readFileSync(path.join(again, f), 'utf8'), readFileSync(path.join(out, 'complete.sfs', f), 'utf8'), f);
      }
      const ruled = fresh.path('ruled-again.sfs');
      await fresh.ok(['export', ruledId, '-o', ruled]);
      for (const f of readdirSync(path.join(out, 'ruled.sfs'))) {
        assert.equal(readFileSync(path.join(ruled, f), 'utf8'), readFileSync(path.join(out, 'ruled.sfs', f), 'utf8'), `ruled: ${f}`);
      }
    } finally {
      fresh.dispose();
    }
  });
});
