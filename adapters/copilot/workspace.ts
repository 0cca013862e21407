import { NotRegularFileError, readRegularFile, type CaptureProblem } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';
import { errorText, isObj, type Raw } from '../shared/values.js';

/** `workspace.yaml` next to events.jsonl: where Copilot keeps the session title (`name`). */
export async function readWorkspace(eventsFile: string, platform: NodeJS.Platform, problems: CaptureProblem[]): Promise<Raw | null> {
  const p = pathFor(platform);
  if (p.basename(eventsFile) !== 'events.jsonl') return null;
  const file = p.join(p.dirname(eventsFile), 'workspace.yaml');
  let text: string;
  try {
    text = (await readRegularFile(file, 16 * 1024 * 1024)).toString('utf8');
  } catch (err) {
    // Copilot (re)creates it on resume; a missing one is normal, a FIFO or a folder is not.
    if (err instanceof NotRegularFileError) problems.push({ path: file, message: err.message });
    return null;
  }
  try {
    // Loaded when a workspace is read: a no-op import or a daemon start reads none (yaml is ~80 modules).
    const { parse } = await import('yaml');
    const doc: unknown = parse(text);
    return isObj(doc) ? doc : null;
  } catch (err) {
    problems.push({ path: file, message: `invalid YAML: ${errorText(err)}` });
    return null;
  }
}
