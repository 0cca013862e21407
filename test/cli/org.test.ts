import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSfs } from '../helpers/cli.js';
import { pgliteBackend, relayOn, signup } from '../server/backends.js';
import { signIn } from '../replication/helpers.js';

test('sfs org: invite, the invitee lists and accepts or declines, roles, transfer, leave', { timeout: 300_000 }, async (t) => {
  const backend = await pgliteBackend();
  const relay = await relayOn(backend);
  t.after(async () => {
    await relay.close();
    await backend.drop();
  });
  const as = async (user: string) => {
    const s = newSfs();
    signIn(s.home, relay.url, (await signup(relay, user)).token, user);
    return s;
  };
  const [ann, bob, cat] = [await as('ann'), await as('bob'), await as('cat')];
  await ann.ok(['org', 'create', 'crew']);
  // The invitation is only an offer: bob is told to accept, and is no member yet.
  const invited = await ann.out(['org', 'invite', 'crew', 'bob', '--role', 'admin']);
  assert.match(invited, /^invited bob to crew as admin \(inv_[0-9a-f]+, until .+\); bob becomes a member after accepting: sfs org accept crew\n$/);
  assert.deepEqual(
    (await ann.ok<{ members: Array<{ username: string }> }>(['org', 'members', 'crew'])).members.map((m) => m.username),
    ['ann'],
  );
  const pending = await bob.ok<{ invitations: Array<{ id: string; space: string; invited_by: string; role: string }> }>(['org', 'invitations']);
  assert.deepEqual(
    pending.invitations.map((i) => [i.space, i.invited_by, i.role]),
    [['crew', 'ann', 'admin']],
  );
  assert.match(await bob.out(['org', 'invitations']), /crew\s+ann\s+admin/);
  assert.match(await bob.out(['org', 'accept', 'crew']), /^joined crew as admin\n$/);
  await bob.fails(['org', 'accept', 'crew'], 'NOT_FOUND', 3);
  // Declining by id; the team's own list and cancel.
  const inv = await ann.ok<{ invitation: { id: string } }>(['org', 'invite', 'crew', 'cat']);
  assert.deepEqual(
    (await ann.ok<{ invitations: Array<{ username: string }> }>(['org', 'invitations', 'crew'])).invitations.map((i) => i.username),
    ['cat'],
  );
  assert.match(await cat.out(['org', 'decline', inv.invitation.id]), /^declined the invitation to crew\n$/);
  await ann.ok(['org', 'invite', 'crew', 'cat']);
  assert.match(await ann.out(['org', 'cancel', 'crew', 'cat']), /^cancelled invitation inv_/);
  await cat.fails(['org', 'accept', 'crew'], 'NOT_FOUND', 3);
  // Roles, then the owner hands over and leaves.
  assert.match(await bob.out(['org', 'role', 'crew', 'bob', 'member']), /^bob is now member of crew\n$/);
  await bob.fails(['org', 'role', 'crew', 'ann', 'member'], 'AUTH', 11);
  await ann.fails(['org', 'role', 'crew', 'bob', 'boss'], 'USAGE', 2);
  await ann.fails(['org', 'leave', 'crew'], 'AUTH', 11);
  assert.match(await ann.out(['org', 'transfer', 'crew', 'bob']), /^bob now owns crew; you are an admin\n$/);
  assert.match(await ann.out(['org', 'leave', 'crew']), /^left crew\n$/);
  const left = await bob.ok<{ members: Array<{ username: string; role: string }> }>(['org', 'members', 'crew']);
  assert.deepEqual(
    left.members.map((m) => [m.username, m.role]),
    [['bob', 'owner']],
  );
  await ann.fails(['org', 'invite', 'crew'], 'USAGE', 2);
});
