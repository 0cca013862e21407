import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSfs } from '../helpers/cli.js';
import { pgliteBackend, relayOn, signup } from '../server/backends.js';
import { discover, openStore, signIn } from '../replication/helpers.js';

/**
 * Team administration from the CLI against a real relay (issue 13 items 3 and 4): org list|show|audit,
 * token and device commands (a revoked device's store is signed out), the account's e-mail, and
 * list-remote with titles and tools.
 */
test('sfs org list|show|audit, token, device, auth email|audit, list-remote titles', { timeout: 600_000 }, async (t) => {
  const backend = await pgliteBackend();
  const relay = await relayOn(backend);
  t.after(async () => {
    await relay.close();
    await backend.drop();
  });
  const as = async (user: string) => {
    const s = newSfs();
    t.after(() => s.dispose());
    signIn(s.home, relay.url, (await signup(relay, user)).token, user);
    return s;
  };
  const [ann, bob, cat] = [await as('ann'), await as('bob'), await as('cat')];
  await ann.ok(['org', 'create', 'crew']);
  await ann.ok(['org', 'invite', 'crew', 'bob', '--role', 'admin']);
  await bob.ok(['org', 'accept', 'crew']);
  await ann.ok(['org', 'invite', 'crew', 'cat']);
  await ann.ok(['org', 'policy', 'crew', 'block']);

  // org list: my spaces, my role, members, policy.
  const list = await bob.ok<{ orgs: Array<Record<string, unknown>> }>(['org', 'list']);
  assert.deepEqual(
    list.orgs.map((o) => [o.name, o.kind, o.role, o.members, o.dlp_policy]),
    [
      ['crew', 'team', 'admin', 2, 'block'],
      ['~bob', 'personal', 'owner', 1, 'redact'],
    ],
  );
  const table = await bob.out(['org', 'list']);
  assert.match(table, /^NAME\s+ID\s+KIND\s+ROLE\s+MEMBERS\s+DLP\n/);
  assert.match(table, /\ncrew\s+spc_[0-9a-f]+\s+team\s+admin\s+2\s+block\n/);
  // org show: members; pending invitations for the owner and admins.
  const shown = await ann.out(['org', 'show', 'crew']);
  assert.match(shown, /^crew \(spc_[0-9a-f]+\), team space, created .+; dlp policy block; you are owner\n/);
  assert.match(shown, /\nann\s+owner\s+\S+ \S+\nbob\s+admin\s/);
  assert.match(shown, /\ninv_[0-9a-f]+\s+cat\s+member\s+ann\s/);
  const json = await bob.ok<{ members: unknown[]; invitations: Array<{ username: string }> }>(['org', 'show', 'crew']);
  assert.deepEqual(
    json.invitations.map((i) => i.username),
    ['cat'],
  );
  // Cat is only invited: no access, the same refusal as for a space that does not exist.
  const refused = await cat.fails(['org', 'show', 'crew'], 'AUTH', 11);
  assert.match(refused.message, /no access to space crew/);
  await cat.fails(['org', 'show', 'nosuchteam'], 'AUTH', 11);
  await ann.fails(['org', 'show'], 'USAGE', 2);

  // org audit: owners and admins; newest page in reading order.
  const audit = await bob.ok<{ space: string; entries: Array<{ actor: string; action: string; target: string }> }>(['org', 'audit', 'crew', '--limit', '3']);
  assert.deepEqual(
    audit.entries.map((e) => [e.actor, e.action, e.target]),
    [
      ['ann', 'space.policy', 'crew'],
      ['ann', 'invitation.create', 'cat'],
      ['bob', 'invitation.accept', 'bob'],
    ],
  );
  const log = await ann.out(['org', 'audit', 'crew']);
  assert.match(log, /^WHEN\s+WHO\s+ACTION\s+TARGET\s+DETAILS\n/);
  assert.match(log, /ann\s+space\.create\s+crew\s*\n.*ann\s+invitation\.create\s+bob\s+role=admin invitation=inv_\S+\n/s);
  assert.match(log, /ann\s+space\.policy\s+crew\s+policy=block previous=redact\n$/);
  await cat.fails(['org', 'audit', 'crew'], 'AUTH', 11);
  await cat.ok(['org', 'accept', 'crew']);
  await cat.fails(['org', 'audit', 'crew'], 'AUTH', 11); // a member, not an admin
  await ann.fails(['org', 'audit', 'crew', '--limit', '0'], 'USAGE', 2);

  // Tokens: this store's is marked; a new one is shown once; revoking it is logged.
  const tokens = await ann.ok<{ tokens: Array<{ id: string; name: string; current: boolean }> }>(['token', 'list']);
  assert.deepEqual(
    tokens.tokens.map((x) => [x.name, x.current]),
    [['signup', true]],
  );
  const created = await ann.out(['token', 'create', 'ci']);
  const [, id, secret] = /^created token (tok_[0-9a-f]+) \(ci\); it is shown only now:\n(\S+)\n$/.exec(created) ?? [];
  assert.ok(id && secret, created);
  assert.match(await ann.out(['token', 'list']), new RegExp(`\\*\\s+tok_\\S+\\s+signup\\s.*\\n\\s+${id}\\s+ci\\s+.*active`));
  assert.match(await ann.out(['token', 'revoke', id!]), new RegExp(`^revoked ${id}; anything syncing with it is disconnected\\n$`));
  await ann.fails(['token', 'revoke', id!], 'NOT_FOUND', 3);
  await bob.fails(['token', 'revoke', tokens.tokens[0]!.id], 'NOT_FOUND', 3);
  await ann.fails(['token', 'revoke'], 'USAGE', 2);

  // Devices: ann's store syncs (push), shows up marked as this one, gets a name; list-remote shows its title and tool.
  {
    const store = await openStore(ann.home);
    await discover(store, 'ses_cliadmin0001', 'Refactor the parser');
    await store.close();
  }
  await ann.ok(['push', 'ses_cliadmin0001']);
  const remote = await ann.out(['list-remote']);
  assert.match(remote, /^SPACE\s+SESSION\s+TOOL\s+TITLE\s+STARTED\s+LAST\s+EVENTS/);
  assert.match(remote, /~ann\s+ses_cliadmin0001\s+codex\s+Refactor the parser\s+2026-01-01 00:00\s/);
  const remoteJson = await ann.ok<{ sessions: Array<{ session: string; title: string; tool: string }> }>(['list-remote']);
  assert.deepEqual(
    remoteJson.sessions.map((s) => [s.session, s.title, s.tool]),
    [['ses_cliadmin0001', 'Refactor the parser', 'codex']],
  );
  assert.ok(!(await bob.out(['list-remote'])).includes('Refactor'));
  const devices = await ann.ok<{ devices: Array<{ origin: string; current: boolean; active: boolean }> }>(['device', 'list']);
  assert.equal(devices.devices.length, 1);
  assert.deepEqual([devices.devices[0]!.current, devices.devices[0]!.active], [true, true]);
  const origin = devices.devices[0]!.origin;
  assert.match(await ann.out(['device', 'rename', 'desk laptop']), new RegExp(`^device ${origin} is now named desk laptop`));
  assert.match(await ann.out(['device', 'list']), new RegExp(`\\*\\s+${origin}\\s+desk laptop\\s+.*active`));
  await bob.fails(['device', 'rename', origin, 'mine'], 'NOT_FOUND', 3);
  await bob.fails(['device', 'revoke', 'desk laptop'], 'NOT_FOUND', 3);

  // E-mail for handoff notices, and the account's own log.
  assert.match(await ann.out(['auth', 'email']), /^no e-mail address set/);
  assert.match(await ann.out(['auth', 'email', 'ann@example.com']), /^handoff notices go to ann@example\.com/);
  assert.equal((await ann.ok<{ email: string }>(['auth', 'email'])).email, 'ann@example.com');
  await ann.fails(['auth', 'email', 'not an address'], 'INVALID_INPUT', 5);
  const mine = await ann.ok<{ entries: Array<{ action: string; target: string | null }> }>(['auth', 'audit']);
  assert.deepEqual(mine.entries.map((e) => e.action).reverse(), ['token.create', 'token.create', 'token.revoke', 'device.rename', 'account.email']);
  assert.match(await ann.out(['auth', 'audit', '--limit', '1']), /ann\s+account\.email\s+set=true\n$/);

  // Revoking the device revokes this store's token: the store is signed out on the relay.
  assert.match(
    await ann.out(['device', 'revoke', 'desk laptop']),
    /^revoked token tok_\S+ of device desk laptop: it is disconnected and must sign in again\n$/,
  );
  await ann.fails(['token', 'list'], 'AUTH', 11);

  // Signing up with an address.
  const dan = newSfs();
  t.after(() => dan.dispose());
  await dan.ok(['auth', 'signup', '--relay', relay.url, '--username', 'dan', '--email', 'dan@example.com'], { env: { SFS_PASSWORD: 'correct horse 1' } });
  assert.equal((await dan.ok<{ email: string }>(['auth', 'email'])).email, 'dan@example.com');
  await dan.fails(['auth', 'login', '--relay', relay.url, '--username', 'dan', '--email', 'x@example.com'], 'USAGE', 2, {
    env: { SFS_PASSWORD: 'correct horse 1' },
  });
});
