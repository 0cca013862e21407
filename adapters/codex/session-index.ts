import { stat } from 'node:fs/promises';
import { readRegularFile, parseJsonBounded } from '../../engine/adapter-kit.js';
import path from 'node:path';

/**
 * Names from `$CODEX_HOME/session_index.jsonl` (`/rename`): `{id, thread_name, updated_at}`
 * lines, the last line per id wins. Cached per file by size and mtime.
 */
const cache = new Map<string, { key: string; names: Map<string, string> }>();

export async function threadNames(codexHome: string): Promise<Map<string, string>> {
  const file = path.join(codexHome, 'session_index.jsonl');
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size > 64 * 1024 * 1024) return new Map();
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = cache.get(file);
    if (hit && hit.key === key) return hit.names;
    const names = new Map<string, string>();
    for (const line of (await readRegularFile(file, 64 * 1024 * 1024)).toString('utf8').split('\n')) {
      try {
        const v: unknown = parseJsonBounded(line);
        if (v && typeof v === 'object') {
          const { id, thread_name } = v as { id?: unknown; thread_name?: unknown };
          if (typeof id === 'string' && typeof thread_name === 'string' && thread_name.trim()) names.set(id.toLowerCase(), thread_name);
        }
      } catch {
        // a torn or corrupt line: the other names still count
      }
    }
    cache.set(file, { key, names });
    return names;
  } catch {
    return new Map();
  }
}

/** The Codex home a rollout belongs to: the parent of its `sessions/` or `archived_sessions/` folder. */
export function homeOfRollout(file: string): string | null {
  const parts = file.split(/[\\/]/);
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] === 'sessions' || parts[i] === 'archived_sessions')
      return parts.slice(0, i).join(file.includes('\\') && !file.includes('/') ? '\\' : '/') || '/';
  }
  return null;
}
