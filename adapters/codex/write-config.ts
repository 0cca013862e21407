import { readRegularFileSync } from '../../engine/adapter-kit.js';
import path from 'node:path';

/**
 * Codex refuses to resume a thread under a different model provider than the one its
 * rollout names ("Cannot change this thread's model provider … on resume"), so a written
 * rollout names the provider the user's config selects: the top-level `model_provider`
 * of `$CODEX_HOME/config.toml`, else Codex's default, `openai`.
 */
export function configuredProvider(home: string): string {
  let text: string;
  try {
    text = readRegularFileSync(path.join(home, 'config.toml')).toString('utf8');
  } catch {
    return 'openai';
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) break; // top-level keys come before the first table
    const m = /^model_provider\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line);
    if (m) return m[1] ?? m[2] ?? 'openai';
  }
  return 'openai';
}
