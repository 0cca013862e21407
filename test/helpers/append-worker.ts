/**
 * Child process for the multi-process tests: opens the shared store, appends `count`
 * events tagged with its name (interleaving reads of the projections), then exits —
 * which hands the store over if it was the owner. With BARRIER_DIR and N, it waits after
 * its first append until N workers got that far, so all of them really overlap (one owner,
 * the others guests) however slowly the machine starts processes.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Store } from '../../engine/store.js';
import { listSessions } from '../../engine/queries/sessions.js';

const [dataRoot, name, countArg, barrierDir, barrierN] = process.argv.slice(2);
if (!dataRoot || !name || !countArg) throw new Error('usage: append-worker DATA_ROOT NAME COUNT [BARRIER_DIR N]');
const count = Number(countArg);
const store = await Store.open({ dataDir: `${dataRoot}/data`, configDir: dataRoot!, stateDir: `${dataRoot}/state` });
const session = `ses_${name!.padEnd(8, '0')}`;
await store.log.append({ events: [{ type: 'session.discovered', session, body: { tool: 'codex', created_at: new Date().toISOString(), via: 'capture' } }] });
const roleAtStart = store.log.role;
if (barrierDir && barrierN) {
  writeFileSync(`${barrierDir}/${name}`, roleAtStart);
  while (readdirSync(barrierDir).length < Number(barrierN)) await sleep(10);
}
for (let i = 0; i < count; i++) {
  await store.log.append({
    events: [
      {
        type: 'messages.captured',
        session,
        body: {
          messages: [
            {
              msg_id: `${name}-${i}`,
              parent_msg_id: i ? `${name}-${i - 1}` : null,
              role: 'user',
              content: [{ type: 'text', text: `message ${i} from ${name}` }],
            },
          ],
        },
      },
    ],
  });
  if (i % 10 === 0) listSessions(await store.view(), {});
}
process.stdout.write(JSON.stringify({ name, role: store.log.role, roleAtStart }) + '\n');
await store.close();
