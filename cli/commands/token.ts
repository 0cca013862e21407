import type { CommandModule } from 'yargs';
import { SfsError } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { print, printJson } from '../output.js';
import { renderTable } from '../table.js';
import { api } from './remote.js';

interface TokenArgs extends GlobalArgs {
  action: 'list' | 'create' | 'revoke';
  value?: string;
}

interface TokenRow {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  current: boolean;
}

/** `sfs token list|create NAME|revoke ID`: the account's API tokens on the relay. */
export const tokenCommand: CommandModule<GlobalArgs, TokenArgs> = {
  command: 'token <action> [value]',
  describe:
    "Your relay account's API tokens: list (this store's is marked *); create NAME (printed once, for a script or CI); revoke TOKEN_ID (its sync sockets close at once)",
  builder: (y) =>
    y
      .positional('action', { choices: ['list', 'create', 'revoke'] as const, demandOption: true })
      .positional('value', { type: 'string', describe: 'the token name (create) or id tok_… (revoke)' }) as never,
  handler: handler(async (a, ctx) => {
    const { api: client } = api(ctx);
    if (a.action === 'list') {
      const { tokens } = await client.call<{ tokens: TokenRow[] }>('GET', '/v1/tokens');
      if (ctx.json) return printJson('token list', { tokens });
      return print(
        renderTable(
          ['', 'ID', 'NAME', 'CREATED', 'LAST USED', 'STATE'],
          tokens.map((t) => [
            t.current ? '*' : '',
            t.id,
            t.name,
            minute(t.created_at),
            minute(t.last_used_at),
            t.revoked_at ? `revoked ${minute(t.revoked_at)}` : 'active',
          ]),
        ),
      );
    }
    if (!a.value)
      throw new SfsError('USAGE', a.action === 'create' ? 'token create needs a NAME' : 'token revoke needs a token id (tok_…; see sfs token list)');
    if (a.action === 'create') {
      const t = await client.call<{ id: string; token: string }>('POST', '/v1/tokens', { name: a.value });
      if (ctx.json) return printJson('token create', { id: t.id, name: a.value, token: t.token });
      print(`created token ${t.id} (${a.value}); it is shown only now:`);
      return print(t.token);
    }
    const me = await client.call<{ token_id: string }>('GET', '/v1/me');
    await client.call('DELETE', `/v1/tokens/${encodeURIComponent(a.value)}`);
    const own = me.token_id === a.value;
    if (ctx.json) return printJson('token revoke', { revoked: a.value, this_store: own });
    print(`revoked ${a.value}${own ? ': it was the token of this store; sign in again (sfs auth login)' : '; anything syncing with it is disconnected'}`);
  }),
};

function minute(iso: string | null): string {
  return iso ? String(iso).slice(0, 16).replace('T', ' ') : '-';
}
