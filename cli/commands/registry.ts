import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';

type Loader = () => Promise<CommandModule<GlobalArgs, any>[]>;

/**
 * Every top-level command, loaded on demand: `sfs list` only imports what list needs,
 * which keeps cold start low. Names include aliases.
 */
const edit = () => import('./edit.js');
const transfer = () => import('./transfer.js');
const config = () => import('./config.js');

const share = () => import('./share.js');
const security = () => import('./security.js');

export const COMMANDS: Record<string, Loader> = {
  relay: async () => [(await import('./relay.js')).relayCommand],
  auth: async () => [(await import('./auth.js')).authCommand],
  sync: async () => [(await import('./sync.js')).syncCommand],
  push: async () => [(await share()).pushCommand],
  pull: async () => [(await share()).pullCommand],
  'list-remote': async () => [(await share()).listRemoteCommand],
  handoff: async () => [(await share()).handoffCommand],
  'pull-handoff': async () => [(await share()).pullHandoffCommand],
  org: async () => [(await import('./org.js')).orgCommand],
  token: async () => [(await import('./token.js')).tokenCommand],
  device: async () => [(await import('./device.js')).deviceCommand],
  security: async () => [(await security()).securityCommand],
  dlp: async () => [(await security()).dlpCommand],
  list: async () => [(await import('./list.js')).listCommand],
  show: async () => [(await import('./show.js')).showCommand],
  search: async () => [(await import('./search.js')).searchCommand],
  export: async () => [(await transfer()).exportCommand],
  import: async () => [(await import('./import.js')).importCommand],
  fork: async () => [(await edit()).forkCommand],
  checkpoint: async () => [(await edit()).checkpointCommand],
  checkpoints: async () => [(await edit()).checkpointsCommand],
  alias: async () => [(await edit()).aliasCommand],
  delete: async () => [(await edit()).deleteCommand],
  restore: async () => [(await edit()).restoreCommand],
  purge: async () => [(await edit()).purgeCommand],
  resume: async () => [(await import('./resume.js')).resumeCommand],
  storage: async () => [(await import('./storage.js')).storageCommand],
  config: async () => [(await config()).configCommand],
  index: async () => [(await config()).indexCommand],
  daemon: async () => [(await import('./daemon.js')).daemonCommand],
  watcher: async () => [(await import('./watcher.js')).watcherCommand],
  init: async () => [(await import('./init.js')).initCommand],
  doctor: async () => [(await import('./doctor.js')).doctorCommand],
  mcp: async () => [(await import('./mcp.js')).mcpCommand],
  project: async () => [(await import('./project.js')).projectCommand],
  summary: async () => [(await import('./summary.js')).summaryCommand],
  rules: async () => [(await import('./rules.js')).rulesCommand],
  ui: async () => [(await import('./ui.js')).uiCommand],
};
COMMANDS.ls = COMMANDS.list!;

/** The commands to register for these arguments: just the one named, or all (help, completion, typos). */
export async function commandsFor(argv: string[]): Promise<CommandModule<GlobalArgs, any>[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const only = first !== undefined && !argv.includes('--help') && !argv.includes('-h') ? COMMANDS[first] : undefined;
  if (only) return only();
  const seen = new Set<Loader>();
  const out: CommandModule<GlobalArgs, any>[] = [];
  for (const [name, load] of Object.entries(COMMANDS)) {
    if (seen.has(load) || name === 'ls') continue;
    seen.add(load);
    out.push(...(await load()));
  }
  return out;
}
