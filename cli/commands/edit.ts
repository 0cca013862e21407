import type { Argv, CommandModule } from 'yargs';
import {
  SfsError,
  createCheckpoint,
  forkSession,
  deleteSession,
  purgeSession,
  restoreSession,
  setAlias,
  listCheckpoints,
  resolveSession,
} from '../../engine/index.js';
import { handler, type Ctx, type GlobalArgs } from '../context.js';
import { color, print, printJson, shortTime } from '../output.js';
import { renderTable } from '../table.js';
import { confirm } from '../confirm.js';

interface SessionArg extends GlobalArgs {
  session: string;
}

async function resolve(ctx: Ctx, ref: string) {
  const store = await ctx.store();
  return { store, id: resolveSession(await store.view(), ref) };
}

const sessionPositional = <T>(y: Argv<T>) =>
  y.positional('session', { type: 'string', demandOption: true, describe: 'id, alias or id prefix (≥ 4 characters)' });

export const forkCommand: CommandModule<GlobalArgs, SessionArg & { at?: string; 'from-checkpoint'?: string; name?: string }> = {
  command: 'fork <session>',
  describe: 'Start a new session that continues this one (from the end, a message or a checkpoint)',
  builder: (y) =>
    sessionPositional(y)
      .option('at', { type: 'string', describe: 'fork after message MSG (its id, or its number in `sfs show`)' })
      .option('from-checkpoint', { type: 'string', describe: 'fork at checkpoint NAME' })
      .option('name', { type: 'string', describe: 'title of the new session' })
      .conflicts('at', 'from-checkpoint') as never,
  handler: handler(async (a, ctx) => {
    const { store, id } = await resolve(ctx, a.session);
    const res = await forkSession(store, id, { at: a.at, fromCheckpoint: a['from-checkpoint'], name: a.name });
    if (ctx.json) return printJson('fork', { id: res.id, from: id, at_msg: res.at_msg });
    print(`${color.green('forked')} ${id} → ${color.cyan(res.id)}${res.at_msg ? color.dim(` at ${res.at_msg}`) : ''}`);
  }),
};

export const checkpointCommand: CommandModule<GlobalArgs, SessionArg & { name: string }> = {
  command: 'checkpoint <session> <name>',
  describe: 'Name the current end of a session (fork from it later with --from-checkpoint)',
  builder: (y) => sessionPositional(y).positional('name', { type: 'string', demandOption: true }) as never,
  handler: handler(async (a, ctx) => {
    const { store, id } = await resolve(ctx, a.session);
    const cp = await createCheckpoint(store, id, a.name);
    if (ctx.json) return printJson('checkpoint', { session: id, ...cp });
    print(`${color.green('checkpoint')} ${a.name} on ${id}${cp.at_msg ? color.dim(` at ${cp.at_msg}`) : ''}`);
  }),
};

export const checkpointsCommand: CommandModule<GlobalArgs, SessionArg> = {
  command: 'checkpoints <session>',
  describe: "List a session's checkpoints",
  builder: (y) => sessionPositional(y) as never,
  handler: handler(async (a, ctx) => {
    const { store, id } = await resolve(ctx, a.session);
    const cps = listCheckpoints(await store.view(), id);
    if (ctx.json) return printJson('checkpoints', { session: id, checkpoints: cps });
    if (!cps.length) return print(color.dim(`${id} has no checkpoints.`));
    print(
      renderTable(
        ['NAME', 'CREATED', 'AT MESSAGE'],
        cps.map((c) => [c.name, shortTime(c.created_at), c.at_msg ?? '(start)']),
      ),
    );
  }),
};

export const aliasCommand: CommandModule<GlobalArgs, SessionArg & { name?: string; clear?: boolean }> = {
  command: 'alias <session> [name]',
  describe: 'Give a session a memorable name (or --clear it)',
  builder: (y) => sessionPositional(y).positional('name', { type: 'string' }).option('clear', { type: 'boolean' }) as never,
  handler: handler(async (a, ctx) => {
    if (!a.name && !a.clear) throw new SfsError('USAGE', 'give an alias NAME or --clear');
    if (a.name && a.clear) throw new SfsError('USAGE', 'give either an alias NAME or --clear, not both');
    const { store, id } = await resolve(ctx, a.session);
    await setAlias(store, id, a.clear ? null : a.name!);
    if (ctx.json) return printJson('alias', { session: id, alias: a.clear ? null : a.name });
    print(a.clear ? `alias cleared on ${id}` : `${color.green(a.name!)} → ${id}`);
  }),
};

export const deleteCommand: CommandModule<GlobalArgs, SessionArg> = {
  command: 'delete <session>',
  describe: 'Move a session to the trash (sfs restore brings it back)',
  builder: (y) => sessionPositional(y) as never,
  handler: handler(async (a, ctx) => {
    const { store, id } = await resolve(ctx, a.session);
    await deleteSession(store, id);
    if (ctx.json) return printJson('delete', { session: id, deleted: true });
    print(`deleted ${id} ${color.dim(`(sfs restore ${id.slice(0, 12)} brings it back)`)}`);
  }),
};

export const restoreCommand: CommandModule<GlobalArgs, SessionArg> = {
  command: 'restore <session>',
  describe: 'Bring a deleted session back',
  builder: (y) => sessionPositional(y) as never,
  handler: handler(async (a, ctx) => {
    const { store, id } = await resolve(ctx, a.session);
    await restoreSession(store, id);
    if (ctx.json) return printJson('restore', { session: id, deleted: false });
    print(`restored ${id}`);
  }),
};

export const purgeCommand: CommandModule<GlobalArgs, SessionArg & { yes?: boolean }> = {
  command: 'purge <session>',
  describe: "Erase a session's content for good (leaves a tombstone; cannot be undone)",
  builder: (y) => sessionPositional(y).option('yes', { alias: 'y', type: 'boolean', describe: 'do not ask' }) as never,
  handler: handler(async (a, ctx) => {
    const { store, id } = await resolve(ctx, a.session);
    if (!a.yes && !(await confirm(`Erase every message of ${id} for good?`)))
      throw new SfsError('USAGE', 'purge not confirmed (pass --yes to skip the question)');
    await purgeSession(store, id);
    if (ctx.json) return printJson('purge', { session: id, purged: true });
    print(`purged ${id}`);
  }),
};
