import type { CommandModule } from 'yargs';
import { SfsError } from '../../engine/index.js';
import { handler, type Ctx, type GlobalArgs } from '../context.js';
import { print, printJson } from '../output.js';
import { renderTable } from '../table.js';
import { api } from './remote.js';

interface DeviceArgs extends GlobalArgs {
  action: 'list' | 'rename' | 'revoke';
  device?: string;
  name?: string;
}

interface DeviceRow {
  origin: string;
  name: string | null;
  reported_name: string | null;
  created_at: string;
  last_seen_at: string | null;
  token: string | null;
  token_name: string | null;
  active: boolean;
  current: boolean;
}

/** This store's device id on the relay (its log's origin), when the store can be opened. */
async function thisOrigin(ctx: Ctx): Promise<string | undefined> {
  try {
    return (await (await ctx.store()).log.info()).origin;
  } catch {
    return undefined;
  }
}

/** `sfs device list|rename|revoke`: the machines that synced with the account. */
export const deviceCommand: CommandModule<GlobalArgs, DeviceArgs> = {
  command: 'device <action> [device] [name]',
  describe:
    'Machines that synced with your relay account: list (this one is marked *); rename [DEVICE] NAME (this one when DEVICE is left out); revoke DEVICE (revokes the token it syncs with and disconnects it)',
  builder: (y) =>
    y
      .positional('action', { choices: ['list', 'rename', 'revoke'] as const, demandOption: true })
      .positional('device', { type: 'string', describe: 'a device id or name, as sfs device list shows it' })
      .positional('name', { type: 'string', describe: 'the new name (rename)' }) as never,
  handler: handler(async (a, ctx) => {
    const { api: client } = api(ctx);
    if (a.action === 'list') {
      const origin = await thisOrigin(ctx);
      const { devices } = await client.call<{ devices: DeviceRow[] }>('GET', `/v1/devices${origin ? `?origin=${encodeURIComponent(origin)}` : ''}`);
      if (ctx.json) return printJson('device list', { devices });
      if (!devices.length) return print('no device has synced with this account yet');
      return print(
        renderTable(
          ['', 'DEVICE', 'NAME', 'LAST SEEN', 'TOKEN', 'STATE'],
          devices.map((d) => [d.current ? '*' : '', d.origin, d.name ?? '', minute(d.last_seen_at), d.token ?? '-', d.active ? 'active' : 'revoked']),
        ),
      );
    }
    if (a.action === 'rename') {
      // `rename NAME` names this machine; `rename DEVICE NAME` another one.
      const [ref, name] = a.name === undefined ? [await thisOrigin(ctx), a.device] : [a.device, a.name];
      if (!name) throw new SfsError('USAGE', 'device rename needs a NAME (sfs device rename [DEVICE] NAME)');
      if (!ref) throw new SfsError('USAGE', 'this store has no device id yet; name the device: sfs device rename DEVICE NAME');
      const r = await client.call<{ origin: string; name: string; previous: string | null }>('PUT', `/v1/devices/${encodeURIComponent(ref)}`, { name });
      if (ctx.json) return printJson('device rename', r);
      return print(`device ${r.origin} is now named ${r.name}${r.previous ? ` (was ${r.previous})` : ''}`);
    }
    if (!a.device) throw new SfsError('USAGE', 'device revoke needs a device id or name (see sfs device list)');
    const r = await client.call<{ origin: string; name: string | null; token: string }>('DELETE', `/v1/devices/${encodeURIComponent(a.device)}`);
    if (ctx.json) return printJson('device revoke', r);
    print(`revoked token ${r.token} of device ${r.name ?? r.origin}: it is disconnected and must sign in again`);
  }),
};

function minute(iso: string | null): string {
  return iso ? String(iso).slice(0, 16).replace('T', ' ') : '-';
}
