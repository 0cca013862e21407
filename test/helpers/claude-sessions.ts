import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Small Claude Code sessions written straight into a `~/.claude/projects` folder: each a
 * prompt/answer thread of `messages` lines with distinct words (so search has something
 * to index), ids derived from `seed` and the session's number.
 */
export function writeClaudeSessions(projectsDir: string, opts: { seed: string; count: number; messages: number; wordsPerMessage?: number }): string[] {
  const dir = join(projectsDir, '-home-dev-projects-filler');
  mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  for (let s = 0; s < opts.count; s++) {
    const sessionId = uuid(`${opts.seed}-${s}`);
    ids.push(sessionId);
    let parent: string | null = null;
    const lines: string[] = [];
    for (let m = 0; m < opts.messages; m++) {
      const id = uuid(`${opts.seed}-${s}-${m}`);
      const text = words(`${opts.seed}${s}x${m}`, opts.wordsPerMessage ?? 60);
      const role = m % 2 ? 'assistant' : 'user';
      const message =
        role === 'user'
          ? { role, content: text }
          : {
              role,
              model: 'claude-sonnet-4-5',
              id: `msg_${id}`,
              type: 'message',
              content: [{ type: 'text', text }],
              usage: { input_tokens: 10, output_tokens: 20 },
            };
      lines.push(
        JSON.stringify({
          parentUuid: parent,
          isSidechain: false,
          type: role,
          message,
          uuid: id,
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, s, m)).toISOString(),
          cwd: '/home/dev/projects/filler',
          sessionId,
          version: '2.1.197',
          gitBranch: 'main',
        }),
      );
      parent = id;
    }
    writeFileSync(join(dir, `${sessionId}.jsonl`), lines.join('\n') + '\n');
  }
  return ids;
}

function uuid(key: string): string {
  let h = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const c of `${key}/${round}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const x = hex.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

/** Pseudo-words that differ between messages, so the full-text index grows with the text. */
function words(seed: string, n: number): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    out.push(h.toString(36).slice(0, 3 + (h % 6)));
  }
  return out.join(' ');
}
