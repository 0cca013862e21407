import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IDS, example, msgIds, newSfs, type Sfs } from '../helpers/cli.js';

const P = IDS.complete;
const ALL = ['msg-001', 'msg-002', 'msg-003', 'msg-004', 'msg-005', 'msg-006', 'msg-007', 'msg-008'];

describe('sfs fork / checkpoint / checkpoints', () => {
  let sfs: Sfs;
  before(async () => {
    sfs = newSfs();
    await sfs.ok(['import', example('complete')]);
  });
  after(() => sfs.dispose());

  let forkAt3: string;

  test('fork --at N --name: the fork shows the parent messages up to message N', async () => {
    const res = await sfs.ok(['fork', 'ses_a896', '--at', '3', '--name', 'fork three']);
    assert.match(res.id, /^ses_[0-9a-f]{24}$/);
    assert.deepEqual({ from: res.from, at_msg: res.at_msg }, { from: P, at_msg: 'msg-003' });
    forkAt3 = res.id;
    const show = await sfs.ok(['show', forkAt3]);
    assert.equal(show.session.title, 'fork three');
    assert.deepEqual(show.session.fork, { from: P, at_msg: 'msg-003', checkpoint: null });
    assert.deepEqual(show.session.lineage, [P]);
    assert.equal(show.session.via, 'fork');
    assert.equal(show.session.tool, 'claude-code');
    assert.equal(show.session.cwd, '/home/dev/projects/myapp');
    assert.deepEqual(msgIds(show), ALL.slice(0, 3));
    assert.deepEqual(
      show.messages.items.map((i: { inherited_from: string | null }) => i.inherited_from),
      [P, P, P],
    );
    const parent = await sfs.ok(['show', P, '--no-messages']);
    // The parent's messages are the same bodies, not copies that drift.
    const full = await sfs.ok(['show', P, '--limit', '3']);
    assert.deepEqual(
      show.messages.items.map((i: { message: unknown }) => i.message),
      full.messages.items.map((i: { message: unknown }) => i.message),
    );
    assert.deepEqual(parent.session.children.forks, [forkAt3]);

    const human = await sfs.out(['show', forkAt3]);
    assert.match(human, new RegExp(`^forked from  ${P} at msg-003$`, 'm'));
    // a fork counts the tool calls it inherits, as its message count does (was 0: only its own rows)
    assert.match(human, /^messages {5}3 \(1 tool calls?\)$/m);
    assert.match(human, /^#3 tool 2026-03-20 14:00 msg-003 from ses_a8960045$/m);
    assert.ok(!human.includes('msg-004'));
  });

  test('fork --at MSG id; fork with no point continues from the end', async () => {
    const atId = await sfs.ok(['fork', P, '--at', 'msg-006']);
    assert.equal(atId.at_msg, 'msg-006');
    assert.deepEqual(msgIds(await sfs.ok(['show', atId.id])), ALL.slice(0, 6));
    const end = await sfs.ok(['fork', P]);
    assert.equal(end.at_msg, 'msg-008');
    assert.deepEqual(msgIds(await sfs.ok(['show', end.id, '--all'])), ALL);
    const out = await sfs.out(['fork', P, '--at', '1']);
    assert.match(out, new RegExp(`^forked ${P} → ses_[0-9a-f]{24} at msg-001\\n$`));
  });

  test('a fork of a fork goes back through both', async () => {
    const res = await sfs.ok(['fork', forkAt3, '--at', '2', '--name', 'grandchild']);
    assert.equal(res.at_msg, 'msg-002');
    const show = await sfs.ok(['show', res.id]);
    assert.deepEqual(msgIds(show), ALL.slice(0, 2));
    assert.deepEqual(show.session.lineage, [forkAt3, P]);
  });

  test('fork errors: unknown message, --at with --from-checkpoint, unknown checkpoint', async () => {
    assert.match((await sfs.fails(['fork', P, '--at', '99'], 'NOT_FOUND', 3)).message, /has no message "99"/);
    assert.match((await sfs.failsJson(['fork', P, '--at', 'msg-404'], 'NOT_FOUND', 3)).message, /has no message "msg-404"/);
    await sfs.failsJson(['fork', P, '--at', '2', '--from-checkpoint', 'x'], 'USAGE', 2);
    assert.match((await sfs.failsJson(['fork', P, '--from-checkpoint', 'nope'], 'NOT_FOUND', 3)).message, /no checkpoint "nope"/);
  });

  test('checkpoint names the current end; checkpoints lists them; fork --from-checkpoint', async () => {
    assert.match(await sfs.out(['checkpoints', P]), new RegExp(`^${P} has no checkpoints\\.$`, 'm'));
    const cp = await sfs.ok(['checkpoint', P, 'before-tests']);
    assert.deepEqual(cp, { session: P, name: 'before-tests', at_msg: 'msg-008' });
    const onFork = await sfs.ok(['checkpoint', forkAt3, 'early']);
    assert.equal(onFork.at_msg, 'msg-003', 'a fork checkpoints its inherited end');

    const list = await sfs.ok(['checkpoints', 'ses_a896']);
    assert.equal(list.session, P);
    assert.equal(list.checkpoints.length, 1);
    assert.equal(list.checkpoints[0].name, 'before-tests');
    assert.equal(list.checkpoints[0].at_msg, 'msg-008');
    assert.ok(Math.abs(Date.parse(list.checkpoints[0].created_at) - Date.now()) < 120_000);
    const table = (await sfs.out(['checkpoints', P])).trimEnd().split('\n');
    assert.match(table[0]!, /^NAME\s+CREATED\s+AT MESSAGE$/);
    assert.match(table[1]!, /^before-tests\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+msg-008$/);

    const fork = await sfs.ok(['fork', P, '--from-checkpoint', 'before-tests']);
    assert.equal(fork.at_msg, 'msg-008');
    const show = await sfs.ok(['show', fork.id, '--all']);
    assert.deepEqual(show.session.fork, { from: P, at_msg: 'msg-008', checkpoint: 'before-tests' });
    assert.deepEqual(msgIds(show), ALL);
    const early = await sfs.ok(['fork', forkAt3, '--from-checkpoint', 'early']);
    assert.deepEqual(msgIds(await sfs.ok(['show', early.id])), ALL.slice(0, 3));

    assert.match((await sfs.failsJson(['checkpoint', P, 'before-tests'], 'CONFLICT', 7)).message, /already has a checkpoint "before-tests"/);
    assert.match((await sfs.failsJson(['checkpoint', P, 'bad name!'], 'USAGE', 2)).message, /bad checkpoint name/);
    assert.match(await sfs.out(['show', P, '--no-messages']), /^checkpoints  before-tests$/m);
  });

  test('an exported fork stands alone: its inherited messages travel with it', async () => {
    const dest = sfs.path('fork.sfs');
    assert.equal((await sfs.ok(['export', forkAt3, '-o', dest])).messages, 3);
    const manifest = JSON.parse(readFileSync(path.join(dest, 'manifest.json'), 'utf8'));
    assert.equal(manifest.title, 'fork three');
    assert.equal(manifest.parent_session_id, P);
    const fresh = newSfs();
    try {
      await fresh.ok(['import', dest]);
      const show = await fresh.ok(['show', forkAt3]);
      assert.deepEqual(msgIds(show), ALL.slice(0, 3));
      assert.equal(show.session.title, 'fork three');
      const original = await sfs.ok(['show', forkAt3]);
      assert.deepEqual(
        show.messages.items.map((i: { message: unknown }) => i.message),
        original.messages.items.map((i: { message: unknown }) => i.message),
      );
    } finally {
      fresh.dispose();
    }
  });
});
