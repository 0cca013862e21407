/**
 * Child process for the multi-process tests: opens the shared store, appends `count`
 * events tagged with its name (interleaving reads of the projections), then exits —
 * which hands the store over if it was the owner.
 */
import { Store } from '../../engine/store.js';
import { listSessions } from '../../engine/queries/sessions.js';

const [dataRoot, name, countArg] = process.argv.slice(2);
if (!dataRoot || !name || !countArg) throw new Error('usage: append-worker DATA_ROOT NAME COUNT');
const count = Number(countArg);
const store = await Store.open({ dataDir: `${dataRoot}/data`, configDir: dataRoot!, stateDir: `${dataRoot}/state` });
const session = `ses_${name!.padEnd(8, '0')}`;
await store.log.append({ events: [{ type: 'session.discovered', session, body: { tool: 'codex', created_at: new Date().toISOString(), via: 'capture' } }] });
for (let i = 0; i < count; i++) {
  await store.log.append({
    events: [{ type: 'messages.captured', session, body: { messages: [{ msg_id: `${name}-${i}`, parent_msg_id: i ? `${name}-${i - 1}` : null, role: 'user', content: [{ type: 'text', text: `message ${i} from ${name}` }] }] } }],
  });
  if (i % 10 === 0) listSessions(await store.view(), {});
}
process.stdout.write(JSON.stringify({ name, role: store.log.role }) + '\n');
await store.close();
