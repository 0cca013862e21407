import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, remapIds } from './native-corpus.js';

/**
 * One large Claude Code session built from the record shapes Claude Code 2.1.197 wrote
 * (the generated fixture transcripts: prompts, assistant blocks with usage, tool calls and
 * results, thinking, titles, attachments, system records), repeated with fresh ids per copy
 * until the file reaches the wanted size. The session id stays the file's own.
 */
const DIR = join(FIXTURES, 'claude-code/generated-claude-code-2.1.197/dot-claude/projects/-home-dev-projects-demo-app');
const SESSION_ID = /"sessionId":"[0-9a-f-]{36}"/g;

function templateLines(): string[] {
  const lines: string[] = [];
  for (const f of readdirSync(DIR)
    .filter((x) => x.endsWith('.jsonl'))
    .sort()) {
    for (const l of readFileSync(join(DIR, f), 'utf8').split('\n')) if (l.trim()) lines.push(l.replace(SESSION_ID, '"sessionId":"@SID@"'));
  }
  return lines;
}

/** Writes `<dir>/<sessionId>.jsonl` of at least `bytes` bytes; returns its path and size. */
export function writeClaudeSession(dir: string, sessionId: string, bytes: number): { file: string; bytes: number; lines: number } {
  const file = join(dir, `${sessionId}.jsonl`);
  const tpl = templateLines();
  const fd = openSync(file, 'w');
  let written = 0;
  let lines = 0;
  try {
    for (let copy = 0; written < bytes; copy++) {
      const text = tpl.map((l) => remapIds(l, copy).replaceAll('@SID@', sessionId)).join('\n') + '\n';
      writeSync(fd, text);
      written += Buffer.byteLength(text);
      lines += tpl.length;
    }
  } finally {
    closeSync(fd);
  }
  return { file, bytes: written, lines };
}

/** One user prompt line as Claude Code writes it, carrying a unique word to search for. */
export function promptLine(sessionId: string, uuid: string, parent: string | null, word: string): string {
  return (
    JSON.stringify({
      parentUuid: parent,
      isSidechain: false,
      type: 'user',
      message: { role: 'user', content: `please look at ${word} in the parser` },
      uuid,
      timestamp: new Date().toISOString(),
      userType: 'external',
      entrypoint: 'cli',
      cwd: '/home/dev/projects/demo-app',
      sessionId,
      version: '2.1.197',
      gitBranch: 'main',
    }) + '\n'
  );
}
