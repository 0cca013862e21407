import { RelayApi } from '../../engine/replication/api.js';
import { SfsError } from '../../engine/errors.js';

/**
 * Makes `username` a member of a team space the way a person does: the owner (or an admin)
 * invites, the invitee accepts. Every test that needs a team member goes through here, so the
 * consent step is exercised everywhere. Relays without invitations (before they existed) get
 * the old direct add.
 */
export async function joinTeam(
  relayUrl: string,
  inviterToken: string,
  inviteeToken: string,
  space: string,
  username: string,
  role: 'member' | 'admin' = 'member',
): Promise<void> {
  const inviter = new RelayApi(relayUrl, inviterToken);
  const invitee = new RelayApi(relayUrl, inviteeToken);
  let inv: { id?: string; invitation?: { id: string } };
  try {
    inv = await inviter.call('POST', `/v1/orgs/${encodeURIComponent(space)}/invitations`, { username, role });
  } catch (err) {
    if (err instanceof SfsError && err.code === 'NOT_FOUND' && /Route .* not found|: Not Found$/i.test(err.message)) {
      await inviter.call('POST', `/v1/orgs/${encodeURIComponent(space)}/members`, { username, role });
      return;
    }
    throw err;
  }
  const id = inv.invitation?.id ?? inv.id;
  if (!id) throw new Error(`invitation answer without an id: ${JSON.stringify(inv)}`);
  await invitee.call('POST', `/v1/invitations/${encodeURIComponent(id)}/accept`);
}
