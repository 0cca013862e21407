import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDS, derivedId, example, newSfs, writeSfs, type Sfs } from '../helpers/cli.js';

/** Native ids whose derived session ids share their first `n` hex digits (searched, not guessed). */
function collidingNativeIds(n: number): { ids: [string, string]; prefix: string; tried: number } {
  const seen = new Map<string, string>();
  for (let i = 0; ; i++) {
    const native = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const p = derivedId('sfs', native).slice(4, 4 + n);
    const other = seen.get(p);
    if (other) return { ids: [other, native], prefix: p, tried: i + 1 };
    seen.set(p, native);
  }
}

describe('sfs alias and session references', () => {
  let sfs: Sfs;
  before(async () => {
    sfs = newSfs();
    await sfs.ok(['import', example('minimal'), example('complete')]);
  });
  after(() => sfs.dispose());

  const showId = async (ref: string) => (await sfs.ok(['show', ref, '--no-messages'])).session.id;

  test('alias set, resolve by alias (any case), conflict, clear', async () => {
    assert.equal(await sfs.out(['alias', 'ses_2b10', 'hello']), `hello → ${IDS.minimal}\n`);
    assert.equal(await showId('hello'), IDS.minimal);
    assert.equal(await showId('HELLO'), IDS.minimal);
    const listed = (await sfs.ok(['list'])).sessions.find((s: { id: string }) => s.id === IDS.minimal);
    assert.equal(listed.alias, 'hello');
    assert.match(await sfs.out(['list']), /^ses_2b102c02 hello\s+claude-code/m);
    assert.match(await sfs.out(['show', 'hello', '--no-messages']), new RegExp(`^id {11}${IDS.minimal} \\(alias hello\\)$`, 'm'));

    const conflict = await sfs.fails(['alias', IDS.complete, 'Hello'], 'CONFLICT', 7);
    assert.equal(conflict.message, `alias "Hello" already names ${IDS.minimal}; clear it there first (sfs alias ${IDS.minimal} --clear)`);
    // Setting the same alias again on its own session is fine.
    assert.deepEqual(await sfs.ok(['alias', IDS.minimal, 'hello']), { session: IDS.minimal, alias: 'hello' });

    assert.deepEqual(await sfs.ok(['alias', 'hello', '--clear']), { session: IDS.minimal, alias: null });
    assert.match((await sfs.failsJson(['show', 'hello'], 'NOT_FOUND', 3)).message, /no session matches "hello"/);
    assert.equal(await sfs.out(['alias', IDS.complete, 'hello']), `hello → ${IDS.complete}\n`, 'a cleared alias can move');
    assert.equal(await showId('hello'), IDS.complete);
  });

  test('bad aliases are usage errors', async () => {
    await sfs.failsJson(['alias', IDS.minimal], 'USAGE', 2);
    await sfs.failsJson(['alias', IDS.minimal, 'x', '--clear'], 'USAGE', 2);
    assert.match((await sfs.failsJson(['alias', IDS.minimal, '9lives'], 'USAGE', 2)).message, /bad alias "9lives"/);
    assert.match((await sfs.failsJson(['alias', IDS.minimal, 'ses_mine'], 'USAGE', 2)).message, /cannot start with "ses_"/);
    await sfs.failsJson(['alias', 'nosuchsession', 'x'], 'NOT_FOUND', 3);
  });

  test('references: full id, id prefix of 4+ characters (with or without ses_)', async () => {
    const [full, bare4, ses4, long] = await Promise.all([showId(IDS.complete), showId('a896'), showId('ses_a896'), showId('a8960045664')]);
    assert.deepEqual([full, bare4, ses4, long], [IDS.complete, IDS.complete, IDS.complete, IDS.complete]);
    assert.match((await sfs.failsJson(['show', 'a89'], 'NOT_FOUND', 3)).message, /at least 4 characters/);
    assert.match((await sfs.failsJson(['show', 'ses_a89'], 'NOT_FOUND', 3)).message, /at least 4 characters/);
    assert.match((await sfs.failsJson(['show', 'ffff'], 'NOT_FOUND', 3)).message, /no session matches "ffff"/);
  });

  test('an ambiguous prefix lists the candidates (derived ids)', async () => {
    // Import sessions until two derived ids share 4 hex digits (a birthday search over the id space).
    const {
      ids: [a, b],
      prefix,
      tried,
    } = collidingNativeIds(4);
    const natives = new Set([a, b]);
    for (let i = 0; natives.size < 24; i++) natives.add(`00000000-0000-4000-9000-${String(i).padStart(12, '0')}`);
    const dirs = [...natives].map((n, i) =>
      writeSfs(sfs.path('many', `s${i}.sfs`), { session_id: n, tool: 'gemini-cli', created_at: '2026-01-01T00:00:00.000Z', title: `many ${i}` }),
    );
    const res = await sfs.ok(['import', ...dirs]);
    assert.equal(res.results.length, 24);
    const idA = derivedId('sfs', a);
    const idB = derivedId('sfs', b);
    assert.ok(res.results.some((r: { session_id: string }) => r.session_id === idA));
    assert.ok(tried > 2);

    const err = await sfs.failsJson(['show', prefix], 'AMBIGUOUS', 4);
    const candidates = [idA, idB].sort();
    assert.equal(err.message, `"${prefix}" matches 2 sessions: ${candidates.join(', ')}`);
    assert.deepEqual(err.details, { candidates });
    // One more digit (where they differ) resolves.
    let n = 5;
    while (idA.slice(4, 4 + n) === idB.slice(4, 4 + n)) n++;
    assert.equal(await showId(idA.slice(4, 4 + n)), idA);
    await sfs.failsJson(['fork', `ses_${prefix}`], 'AMBIGUOUS', 4);
    await sfs.failsJson(['export', prefix], 'AMBIGUOUS', 4);
  });

  test('more than 10 candidates: the first 10 are listed; an alias wins over a prefix', async () => {
    const dirs = Array.from({ length: 12 }, (_, i) =>
      writeSfs(sfs.path('cafe', `c${i}.sfs`), { session_id: `ses_cafe${String(i).padStart(8, '0')}`, created_at: '2026-02-01T00:00:00.000Z' }),
    );
    await sfs.ok(['import', ...dirs]);
    const err = await sfs.failsJson(['show', 'cafe'], 'AMBIGUOUS', 4);
    const first10 = Array.from({ length: 10 }, (_, i) => `ses_cafe${String(i).padStart(8, '0')}`);
    assert.equal(err.message, `"cafe" matches more than 10 sessions: ${first10.join(', ')}`);
    assert.deepEqual(err.details, { candidates: first10 });
    assert.equal(await showId('cafe00000011'), 'ses_cafe00000011');

    await sfs.ok(['alias', 'ses_cafe00000007', 'cafe']);
    assert.equal(await showId('cafe'), 'ses_cafe00000007');
    assert.equal(await showId('ses_cafe00000003'), 'ses_cafe00000003', 'a full id is never shadowed');
  });
});
