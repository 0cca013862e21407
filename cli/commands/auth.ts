import { createInterface } from 'node:readline';
import { hostname } from 'node:os';
import type { CommandModule } from 'yargs';
import { SfsError, RelayApi, credentialsFile, readCredentials, removeCredentials, writeCredentials } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { autosyncAtSignIn, autosyncNote, offerAutosync } from '../autosync.js';
import { notifyDaemon } from './watcher.js';
import { print, printJson } from '../output.js';

interface AuthArgs extends GlobalArgs {
  action: 'signup' | 'login' | 'logout' | 'status' | 'email' | 'audit';
  value?: string;
  relay?: string;
  username?: string;
  email?: string;
  limit?: number;
  'password-stdin'?: boolean;
}

/** From $SFS_PASSWORD, a line on stdin (--password-stdin), or a prompt on a terminal. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (process.env.SFS_PASSWORD) return process.env.SFS_PASSWORD;
  if (!fromStdin && !process.stdin.isTTY) throw new SfsError('USAGE', 'no password: set SFS_PASSWORD, pass --password-stdin, or run in a terminal');
  const rl = createInterface({ input: process.stdin, output: fromStdin ? undefined : process.stderr, terminal: !fromStdin });
  if (!fromStdin) {
    process.stderr.write('password: ');
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined; // no echo
  }
  const line = await new Promise<string>((resolve) => rl.once('line', resolve).once('close', () => resolve('')));
  rl.close();
  if (!fromStdin) process.stderr.write('\n');
  return line.replace(/\r?\n$/, '');
}

export const authCommand: CommandModule<GlobalArgs, AuthArgs> = {
  command: 'auth <action> [value]',
  describe:
    "Sign up, log in to or out of a relay; show who this store is signed in as; email ADDRESS|none (where handoff notices go); audit (your account's token and device changes)",
  builder: (y) =>
    y
      .positional('action', { choices: ['signup', 'login', 'logout', 'status', 'email', 'audit'] as const, demandOption: true })
      .positional('value', { type: 'string', describe: 'the address (email), or none to remove it' })
      .option('email', { type: 'string', describe: 'an e-mail address for handoff notices (signup)' })
      .option('limit', { type: 'number', describe: 'entries to show (audit; default 50)' })
      .option('relay', { type: 'string', describe: 'relay URL, e.g. http://127.0.0.1:7878 (signup/login)' })
      .option('username', { type: 'string', describe: 'account name (signup/login)' })
      .option('password-stdin', { type: 'boolean', describe: 'read the password from standard input' }) as never,
  handler: handler(async (a, ctx) => {
    if (a.action === 'email' || a.action === 'audit') {
      const c = readCredentials(ctx.paths);
      if (!c) throw new SfsError('AUTH', 'not signed in (sfs auth login --relay URL --username NAME)');
      const api = new RelayApi(c.relay, c.token);
      if (a.action === 'audit') {
        if (a.limit !== undefined && (!Number.isInteger(a.limit) || a.limit < 1 || a.limit > 1000))
          throw new SfsError('USAGE', `--limit must be a whole number from 1 to 1000, not ${a.limit}`);
        const r = await api.call('GET', `/v1/audit?limit=${a.limit ?? 50}`);
        if (ctx.json) return printJson('auth audit', r);
        const { printAudit } = await import('./org.js');
        return printAudit(r.entries, 'no token or device changes recorded');
      }
      if (a.value === undefined) {
        const me = await api.call('GET', '/v1/me');
        if (ctx.json) return printJson('auth email', { email: me.account.email ?? null });
        return print(me.account.email ? `handoff notices go to ${me.account.email}` : 'no e-mail address set (sfs auth email ADDRESS)');
      }
      const r = await api.call('PUT', '/v1/account/email', { email: a.value === 'none' ? null : a.value });
      if (ctx.json) return printJson('auth email', r);
      return print(r.email ? `handoff notices go to ${r.email} (when the relay sends mail)` : 'e-mail address removed: no handoff notices');
    }
    if (a.action === 'status') {
      const c = readCredentials(ctx.paths);
      if (!c) {
        if (ctx.json) return printJson('auth status', { signed_in: false });
        return print('not signed in (sfs auth login --relay URL --username NAME)');
      }
      const me = await new RelayApi(c.relay, c.token).call('GET', '/v1/me');
      if (ctx.json) return printJson('auth status', { signed_in: true, relay: c.relay, username: c.username, spaces: me.spaces });
      print(`signed in to ${c.relay} as ${c.username}`);
      for (const s of me.spaces as Array<{ name: string; kind: string; role: string; dlp_policy: string }>)
        print(`  ${s.name}  ${s.kind}  ${s.role}  dlp ${s.dlp_policy}`);
      return;
    }
    if (a.action === 'logout') {
      const c = readCredentials(ctx.paths);
      // Revoke on the relay when reachable; the local file goes either way.
      if (c) {
        try {
          const api = new RelayApi(c.relay, c.token);
          const me = await api.call('GET', '/v1/me');
          await api.call('DELETE', `/v1/tokens/${me.token_id}`);
        } catch {
          /* offline or already revoked */
        }
      }
      const removed = removeCredentials(ctx.paths);
      if (ctx.json) return printJson('auth logout', { signed_out: removed });
      return print(removed ? 'signed out' : 'was not signed in');
    }
    if (!a.relay || !a.username) throw new SfsError('USAGE', `auth ${a.action} needs --relay URL and --username NAME`);
    const password = await readPassword(!!a['password-stdin']);
    const relay = a.relay.replace(/\/$/, '');
    if (a.email !== undefined && a.action !== 'signup') throw new SfsError('USAGE', '--email goes with signup; later: sfs auth email ADDRESS');
    const res = await new RelayApi(relay).call('POST', `/v1/${a.action}`, {
      username: a.username,
      password,
      token_name: `sfs on ${hostname()}`,
      ...(a.email !== undefined ? { email: a.email } : {}),
    });
    writeCredentials(ctx.paths, { relay, token: res.token, username: res.account.username, account_id: res.account.id });
    // Sync is opt-in: signing in sends nothing until autosync is turned on (here on a terminal, or sfs sync auto).
    let mode = autosyncAtSignIn(ctx.paths);
    notifyDaemon(ctx.paths);
    if (ctx.json) return printJson(`auth ${a.action}`, { relay, username: res.account.username, credentials: credentialsFile(ctx.paths), autosync: mode });
    print(`${a.action === 'signup' ? 'signed up' : 'logged in'} to ${relay} as ${res.account.username} (token in ${credentialsFile(ctx.paths)}, mode 0600)`);
    mode = await offerAutosync(ctx.paths, relay);
    print(autosyncNote(mode));
  }),
};
