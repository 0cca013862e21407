import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { IDS, example, msgIds, newSfs, type Sfs } from '../helpers/cli.js';

/** `resumed_from` (DESIGN §9) is shown: in `show`'s header, in `--json` of show and list, and the reverse link. */
describe('resume lineage in show and list', () => {
  let sfs: Sfs;
  let env: Record<string, string>;
  let resumed: { session: string; source: string };
  before(async () => {
    sfs = newSfs();
    env = { HOME: sfs.path('home') };
    mkdirSync(env.HOME!);
    mkdirSync(sfs.path('repo'));
    await sfs.ok(['import', example('complete')]);
    resumed = await sfs.ok(['resume', IDS.complete, '--in', 'codex', '--project', sfs.path('repo'), '--no-launch'], { env });
  });
  after(() => sfs.dispose());

  test('show: the header says which session, tool and message it continues; --json has it too', async () => {
    const source = await sfs.ok(['show', IDS.complete, '--all']);
    const show = await sfs.ok(['show', resumed.session]);
    const at = show.session.resume.at_msg;
    assert.equal(typeof at, 'string');
    const n = msgIds(source).indexOf(at) + 1;
    assert.ok(n >= 1, `${at} is a message of the source`);
    assert.deepEqual(show.session.resume, { from: IDS.complete, tool: 'claude-code', at_msg: at, at_message: n });
    assert.equal(show.session.resumed_from, IDS.complete);
    const human = await sfs.out(['show', resumed.session]);
    assert.match(human, new RegExp(`^resumed from {1}${IDS.complete} \\(claude-code\\) at message ${n}$`, 'm'));
  });

  test('the source lists the sessions resumed from it', async () => {
    const show = await sfs.ok(['show', IDS.complete, '--no-messages']);
    assert.deepEqual(show.session.resumed_into, [{ id: resumed.session, tool: 'codex' }]);
    assert.equal(show.session.resume, null);
    assert.match(await sfs.out(['show', IDS.complete, '--no-messages']), new RegExp(`^resumed as {3}${resumed.session} \\(codex\\)$`, 'm'));
  });

  test('list --json: resumed_from on every session', async () => {
    const list = await sfs.ok(['list']);
    const by = new Map(list.sessions.map((s: { id: string; resumed_from: string | null }) => [s.id, s.resumed_from]));
    assert.equal(by.get(resumed.session), IDS.complete);
    assert.equal(by.get(IDS.complete), null);
  });
});
