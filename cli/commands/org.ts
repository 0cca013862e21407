import type { CommandModule } from 'yargs';
import { SfsError } from '../../engine/errors.js';
import { handler, type GlobalArgs } from '../context.js';
import { print, printJson } from '../output.js';
import { renderTable } from '../table.js';
import { api } from './remote.js';

interface OrgArgs extends GlobalArgs {
  action: 'create' | 'invite' | 'members' | 'remove' | 'policy';
  name: string;
  user?: string;
  role?: 'admin' | 'member';
}

export const orgCommand: CommandModule<GlobalArgs, OrgArgs> = {
  command: 'org <action> <name> [user]',
  describe: 'Team spaces: create NAME, invite NAME USER [--role], members NAME, remove NAME USER, policy NAME warn|redact|block',
  builder: (y) =>
    y
      .positional('action', { choices: ['create', 'invite', 'members', 'remove', 'policy'] as const, demandOption: true })
      .positional('name', { type: 'string', demandOption: true, describe: 'team space name' })
      .positional('user', { type: 'string', describe: 'username (invite/remove), or the policy (policy)' })
      .option('role', { choices: ['admin', 'member'] as const, default: 'member' }) as never,
  handler: handler(async (a, ctx) => {
    const { api: client } = api(ctx);
    const space = encodeURIComponent(a.name);
    if (a.action !== 'create' && a.action !== 'members' && !a.user) throw new SfsError('USAGE', `org ${a.action} needs ${a.action === 'policy' ? 'a policy' : 'a username'}`);
    if (a.action === 'create') {
      const s = await client.call('POST', '/v1/orgs', { name: a.name });
      if (ctx.json) return printJson('org create', s);
      return print(`created team space ${s.name}`);
    }
    if (a.action === 'invite') {
      const r = await client.call('POST', `/v1/orgs/${space}/members`, { username: a.user, role: a.role });
      if (ctx.json) return printJson('org invite', r);
      return print(`${a.user} is now ${a.role} of ${a.name}`);
    }
    if (a.action === 'remove') {
      const r = await client.call('DELETE', `/v1/orgs/${space}/members/${encodeURIComponent(a.user!)}`);
      if (ctx.json) return printJson('org remove', r);
      return print(`removed ${a.user} from ${a.name}`);
    }
    if (a.action === 'policy') {
      const r = await client.call('PUT', `/v1/spaces/${space}/policy`, { policy: a.user });
      if (ctx.json) return printJson('org policy', r);
      return print(`dlp policy of ${a.name}: ${a.user}`);
    }
    const { members } = await client.call('GET', `/v1/orgs/${space}/members`);
    if (ctx.json) return printJson('org members', { space: a.name, members });
    print(renderTable(['USER', 'ROLE'], (members as Array<{ username: string; role: string }>).map((m) => [m.username, m.role])));
  }),
};
