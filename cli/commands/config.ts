import type { Argv, CommandModule } from 'yargs';
import { plural, configFile, loadConfig, setConfig, SETTINGS, type ConfigValue } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { color, print, printJson } from '../output.js';

/** A setting as `config show` prints it: a map as OLD=NEW pairs. */
function shown(v: ConfigValue | undefined): string {
  if (v && typeof v === 'object') {
    const pairs = Object.entries(v).map(([k, x]) => `${k}=${x}`);
    return pairs.length ? pairs.join(', ') : '(none)';
  }
  return String(v);
}

interface SetArgs extends GlobalArgs {
  key: string;
  value: string;
}

export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'config',
  describe: 'Show or change settings',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command({
        command: 'show',
        describe: 'Print every setting with its value',
        handler: handler<GlobalArgs>(async (_a, ctx) => {
          const cfg = loadConfig(ctx.paths);
          if (ctx.json) return printJson('config.show', { file: configFile(ctx.paths), settings: cfg });
          print(color.dim(`# ${configFile(ctx.paths)}`));
          for (const [k, s] of Object.entries(SETTINGS)) print(`${k} = ${shown(cfg[k])} ${color.dim(`# ${s.describe}`)}`);
        }),
      } as CommandModule<GlobalArgs, GlobalArgs>)
      .command({
        command: 'set <key> <value>',
        describe: 'Change a setting',
        builder: (yy: Argv<GlobalArgs>) =>
          yy.positional('key', { type: 'string', demandOption: true }).positional('value', { type: 'string', demandOption: true }) as Argv<SetArgs>,
        handler: handler<SetArgs>(async (a, ctx) => {
          const cfg = setConfig(ctx.paths, a.key, String(a.value));
          if (ctx.json) return printJson('config.set', { key: a.key, value: cfg[a.key] });
          print(`${a.key} = ${shown(cfg[a.key])}`);
        }),
      } as CommandModule<GlobalArgs, SetArgs>)
      .demandCommand(1, 'use `sfs config show` or `sfs config set KEY VALUE`'),
  handler: () => undefined,
};

export const indexCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'index',
  describe: 'Maintain the projections (sessions, messages, search)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command({
        command: 'rebuild',
        describe: 'Drop the projections and replay the whole event log',
        handler: handler<GlobalArgs>(async (_a, ctx) => {
          const store = await ctx.store();
          const started = Date.now();
          const tty = process.stderr.isTTY && !ctx.json;
          const applied = await store.projections.rebuild((done, head) => {
            if (tty) process.stderr.write(`\rreplaying ${done}/${head} events`);
          });
          if (tty) process.stderr.write('\n');
          const ms = Date.now() - started;
          if (ctx.json) return printJson('index.rebuild', { events: applied, ms });
          print(`rebuilt projections from ${plural(applied, 'event')} in ${(ms / 1000).toFixed(1)}s`);
        }),
      } as CommandModule<GlobalArgs, GlobalArgs>)
      .demandCommand(1, 'use `sfs index rebuild`'),
  handler: () => undefined,
};
