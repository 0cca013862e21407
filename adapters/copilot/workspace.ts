import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { CaptureProblem } from '../../engine/capture/contract.js';
import { errorText, isObj, pathFor, type Raw } from '../shared/util.js';

/** `workspace.yaml` next to events.jsonl: where Copilot keeps the session title (`name`). */
export async function readWorkspace(eventsFile: string, platform: NodeJS.Platform, problems: CaptureProblem[]): Promise<Raw | null> {
  const p = pathFor(platform);
  if (p.basename(eventsFile) !== 'events.jsonl') return null;
  const file = p.join(p.dirname(eventsFile), 'workspace.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null; // Copilot (re)creates it on resume; a missing one is normal
  }
  try {
    const doc: unknown = parse(text);
    return isObj(doc) ? doc : null;
  } catch (err) {
    problems.push({ path: file, message: `invalid YAML: ${errorText(err)}` });
    return null;
  }
}
