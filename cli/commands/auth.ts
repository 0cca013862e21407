import { createInterface } from 'node:readline';
import { hostname } from 'node:os';
import type { CommandModule } from 'yargs';
import { SfsError, RelayApi, credentialsFile, readCredentials, removeCredentials, writeCredentials } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { autosyncAtSignIn, autosyncNote, offerAutosync } from '../autosync.js';
import { notifyDaemon } from './watcher.js';
import { print, printJson } from '../output.js';

interface AuthArgs extends GlobalArgs {
  action: 'signup' | 'login' | 'logout' | 'status';
  relay?: string;
  username?: string;
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
  command: 'auth <action>',
  describe: 'Sign up, log in to or out of a relay; show who this store is signed in as',
  builder: (y) =>
    y
      .positional('action', { choices: ['signup', 'login', 'logout', 'status'] as const, demandOption: true })
      .option('relay', { type: 'string', describe: 'relay URL, e.g. http://127.0.0.1:7878 (signup/login)' })
      .option('username', { type: 'string', describe: 'account name (signup/login)' })
      .option('password-stdin', { type: 'boolean', describe: 'read the password from standard input' }) as never,
  handler: handler(async (a, ctx) => {
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
    const res = await new RelayApi(relay).call('POST', `/v1/${a.action}`, { username: a.username, password, token_name: `sfs on ${hostname()}` });
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
