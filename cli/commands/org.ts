import type { CommandModule } from 'yargs';
import { SfsError, type RelayApi } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { print, printJson } from '../output.js';
import { renderTable } from '../table.js';
import { api } from './remote.js';

const ACTIONS = [
  'list',
  'show',
  'audit',
  'create',
  'invite',
  'invitations',
  'accept',
  'decline',
  'cancel',
  'members',
  'remove',
  'role',
  'transfer',
  'leave',
  'policy',
] as const;
type Action = (typeof ACTIONS)[number];

interface OrgArgs extends GlobalArgs {
  action: Action;
  name?: string;
  user?: string;
  value?: string;
  role?: 'admin' | 'member';
  limit?: number;
}

interface OrgRow {
  id: string;
  name: string;
  kind: string;
  role: string;
  members: number;
  dlp_policy: string;
  created_at: string;
}

interface OrgDetail extends Omit<OrgRow, 'members'> {
  members: Array<{ username: string; role: string; created_at: string }>;
  invitations: Array<{ id: string; username: string; role: string; invited_by: string; expires_at: string }> | null;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  space: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

interface Invitation {
  id: string;
  space: string;
  space_id: string;
  username: string;
  role: string;
  invited_by: string;
  expires_at: string;
}

/** What each action needs after NAME: `[what, hint]`, checked before anything is sent. */
const NEEDS: Partial<Record<Action, string>> = {
  invite: 'a username',
  remove: 'a username',
  role: 'a username and a role (admin|member)',
  transfer: 'the username of the new owner',
  policy: 'a policy (warn|redact|block)',
  cancel: 'an invitation id (inv_…) or the invited username',
};

export const orgCommand: CommandModule<GlobalArgs, OrgArgs> = {
  command: 'org <action> [name] [user] [value]',
  describe:
    'Team spaces: list (yours, with your role); show NAME (members, pending invitations, policy); audit NAME [--limit N] (owners and admins); create NAME; invite NAME USER [--role] (USER accepts with: org accept NAME); invitations [NAME]; accept|decline NAME|INV_ID; cancel NAME INV_ID|USER; members NAME; remove NAME USER; role NAME USER admin|member; transfer NAME USER; leave NAME; policy NAME warn|redact|block',
  builder: (y) =>
    y
      .positional('action', { choices: ACTIONS, demandOption: true })
      .positional('name', { type: 'string', describe: 'team space name (or id), or an invitation id (accept/decline)' })
      .positional('user', { type: 'string', describe: 'username (invite/remove/role/transfer/cancel), or the policy (policy)' })
      .positional('value', { type: 'string', describe: 'the new role (role)' })
      .option('role', { choices: ['admin', 'member'] as const, default: 'member', describe: 'role offered by invite' })
      .option('limit', { type: 'number', describe: 'entries to show (audit; default 50, at most 1000)' }) as never,
  handler: handler(async (a, ctx) => {
    if (!a.name && a.action !== 'invitations' && a.action !== 'list')
      throw new SfsError('USAGE', `org ${a.action} needs a team name${a.action === 'accept' || a.action === 'decline' ? ' or an invitation id' : ''}`);
    const need = NEEDS[a.action];
    if (need && (!a.user || (a.action === 'role' && !a.value))) throw new SfsError('USAGE', `org ${a.action} needs ${need}`);
    if (a.action === 'role' && a.value !== 'admin' && a.value !== 'member')
      throw new SfsError('USAGE', `org role: role must be admin or member, not ${a.value}`);
    const { api: client } = api(ctx);
    const name = a.name ?? '';
    const space = encodeURIComponent(name);
    const user = encodeURIComponent(a.user ?? '');
    switch (a.action) {
      case 'list': {
        const { orgs } = await client.call<{ orgs: OrgRow[] }>('GET', '/v1/orgs');
        if (ctx.json) return printJson('org list', { orgs });
        return print(
          renderTable(
            ['NAME', 'ID', 'KIND', 'ROLE', 'MEMBERS', 'DLP'],
            orgs.map((o) => [o.name, o.id, o.kind, o.role, String(o.members), o.dlp_policy]),
          ),
        );
      }
      case 'show': {
        const o = await client.call<OrgDetail>('GET', `/v1/orgs/${space}`);
        if (ctx.json) return printJson('org show', o);
        print(`${o.name} (${o.id}), ${o.kind} space, created ${day(o.created_at)}; dlp policy ${o.dlp_policy}; you are ${o.role}`);
        print('');
        print(
          renderTable(
            ['MEMBER', 'ROLE', 'SINCE'],
            o.members.map((m) => [m.username, m.role, day(m.created_at)]),
          ),
        );
        if (o.invitations) {
          print('');
          if (!o.invitations.length) print('no pending invitations');
          else
            print(
              renderTable(
                ['INVITATION', 'INVITEE', 'ROLE', 'INVITED BY', 'EXPIRES'],
                o.invitations.map((i) => [i.id, i.username, i.role, i.invited_by, day(i.expires_at)]),
              ),
            );
        }
        return;
      }
      case 'audit': {
        if (a.limit !== undefined && (!Number.isInteger(a.limit) || a.limit < 1 || a.limit > 1000))
          throw new SfsError('USAGE', `--limit must be a whole number from 1 to 1000, not ${a.limit}`);
        const r = await client.call<{ space: string; entries: AuditRow[] }>('GET', `/v1/orgs/${space}/audit?limit=${a.limit ?? 50}`);
        if (ctx.json) return printJson('org audit', r);
        return printAudit(r.entries, `no changes recorded in ${r.space}`);
      }
      case 'create': {
        const s = await client.call('POST', '/v1/orgs', { name });
        if (ctx.json) return printJson('org create', s);
        return print(`created team space ${s.name}`);
      }
      case 'invite': {
        const { invitation } = await client.call<{ invitation: Invitation }>('POST', `/v1/orgs/${space}/invitations`, { username: a.user, role: a.role });
        if (ctx.json) return printJson('org invite', { invitation });
        return print(
          `invited ${a.user} to ${invitation.space} as ${invitation.role} (${invitation.id}, until ${day(invitation.expires_at)}); ${a.user} becomes a member after accepting: sfs org accept ${invitation.space}`,
        );
      }
      case 'invitations': {
        const path = a.name ? `/v1/orgs/${space}/invitations` : '/v1/invitations';
        const { invitations } = await client.call<{ invitations: Invitation[] }>('GET', path);
        if (ctx.json) return printJson('org invitations', { space: a.name ?? null, invitations });
        if (!invitations.length) return print(a.name ? `no pending invitations to ${a.name}` : 'no pending invitations');
        const rows = invitations.map((i) => [i.id, i.space, a.name ? i.username : i.invited_by, i.role, day(i.expires_at)]);
        print(renderTable(['ID', 'SPACE', a.name ? 'INVITEE' : 'INVITED BY', 'ROLE', 'EXPIRES'], rows));
        if (!a.name) print('accept with: sfs org accept NAME (or decline)');
        return;
      }
      case 'accept':
      case 'decline': {
        const id = await invitationFor(client, name);
        const r = await client.call('POST', `/v1/invitations/${encodeURIComponent(id)}/${a.action}`);
        if (ctx.json) return printJson(`org ${a.action}`, r);
        return print(a.action === 'accept' ? `joined ${r.space} as ${r.role}` : `declined the invitation to ${r.space}`);
      }
      case 'cancel': {
        let id = a.user!;
        if (!id.startsWith('inv_')) {
          const { invitations } = await client.call<{ invitations: Invitation[] }>('GET', `/v1/orgs/${space}/invitations`);
          const found = invitations.find((i) => i.username === a.user);
          if (!found) throw new SfsError('NOT_FOUND', `no pending invitation of ${a.user} to ${name}`);
          id = found.id;
        }
        const r = await client.call('DELETE', `/v1/orgs/${space}/invitations/${encodeURIComponent(id)}`);
        if (ctx.json) return printJson('org cancel', r);
        return print(`cancelled invitation ${id}`);
      }
      case 'remove': {
        const r = await client.call('DELETE', `/v1/orgs/${space}/members/${user}`);
        if (ctx.json) return printJson('org remove', r);
        return print(`removed ${a.user} from ${name}`);
      }
      case 'leave': {
        const me = await client.call<{ account: { username: string } }>('GET', '/v1/me');
        const r = await client.call('DELETE', `/v1/orgs/${space}/members/${encodeURIComponent(me.account.username)}`);
        if (ctx.json) return printJson('org leave', r);
        return print(`left ${name}`);
      }
      case 'role': {
        const r = await client.call('PUT', `/v1/orgs/${space}/members/${user}`, { role: a.value });
        if (ctx.json) return printJson('org role', r);
        return print(`${a.user} is now ${r.role} of ${r.space}`);
      }
      case 'transfer': {
        const r = await client.call('POST', `/v1/orgs/${space}/transfer`, { username: a.user });
        if (ctx.json) return printJson('org transfer', r);
        return print(`${r.owner} now owns ${r.space}; you are an admin`);
      }
      case 'policy': {
        const r = await client.call('PUT', `/v1/spaces/${space}/policy`, { policy: a.user });
        if (ctx.json) return printJson('org policy', r);
        return print(`dlp policy of ${name}: ${a.user}`);
      }
      case 'members': {
        const { members } = await client.call('GET', `/v1/orgs/${space}/members`);
        if (ctx.json) return printJson('org members', { space: name, members });
        return print(
          renderTable(
            ['USER', 'ROLE'],
            (members as Array<{ username: string; role: string }>).map((m) => [m.username, m.role]),
          ),
        );
      }
    }
  }),
};

/** An invitation id as given, or the caller's pending invitation to the space of that name (or id). */
async function invitationFor(client: RelayApi, nameOrId: string): Promise<string> {
  if (nameOrId.startsWith('inv_')) return nameOrId;
  const { invitations } = await client.call<{ invitations: Invitation[] }>('GET', '/v1/invitations');
  const found = invitations.find((i) => i.space === nameOrId || i.space_id === nameOrId);
  if (!found) throw new SfsError('NOT_FOUND', `no pending invitation to ${nameOrId} (see: sfs org invitations)`);
  return found.id;
}

/** The audit log as a table, oldest of the page first (a log reads downwards). */
export function printAudit(entries: AuditRow[], none: string): void {
  if (!entries.length) return print(none);
  const rows = [...entries].reverse().map((e) => [day(e.at), e.actor, e.action, e.target ?? '', describe(e.details)]);
  print(renderTable(['WHEN', 'WHO', 'ACTION', 'TARGET', 'DETAILS'], rows));
}

function describe(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

function day(iso: string): string {
  return String(iso).slice(0, 16).replace('T', ' ');
}
