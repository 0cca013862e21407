import { importSfs, plural } from '../../engine/index.js';
import type { Ctx } from '../context.js';
import { color, print, printJson } from '../output.js';

/** `sfs import DIR…`: .sfs directories, all validated before any is written. */
export async function runSfsImport(paths: string[], ctx: Ctx): Promise<void> {
  const store = await ctx.store();
  const results = await importSfs(store, paths, {
    limits: { maxMessagesBytes: ctx.config['import.max_messages_bytes'] as number },
    onSession: ctx.json
      ? undefined
      : (r) =>
          print(
            `${r.status === 'unchanged' ? color.dim(r.status) : color.green(r.status)} ${r.session_id} ${color.dim(`${plural(r.messages_added, 'message')} · ${r.path}`)}`,
          ),
  });
  // Searchable when the import returns: the next command has nothing to fold.
  await store.catchUp();
  if (ctx.json) return printJson('import', { results });
  const n = (s: string) => results.filter((r) => r.status === s).length;
  print(`${plural(results.length, 'session')}: ${n('imported')} imported, ${n('updated')} updated, ${n('unchanged')} unchanged`);
}
