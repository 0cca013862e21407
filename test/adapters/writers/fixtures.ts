import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdapterEnv, CapturedSession } from '../../../engine/capture/contract.js';
import { currentLine } from '../../../engine/resume/source.js';
import type { ResumeTarget, SourceSession } from '../../../engine/resume/types.js';
import { adapterFor } from '../../../adapters/index.js';

/** Fixture files of the resumable tools, and helpers to capture them as resume sources. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const fixtures = path.resolve(repoRoot, 'test/fixtures');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

const PICK: Record<ResumeTarget, (f: string) => boolean> = {
  'claude-code': (f) => f.endsWith('.jsonl') && !f.endsWith('history.jsonl'),
  codex: (f) => /rollout-.*\.jsonl(\.zst)?$/.test(f) || (f.includes('/public/') && /\.jsonl?$/.test(f)),
  gemini: (f) => /\.jsonl?$/.test(f) && !/(projects|logs)\.json$/.test(f),
  copilot: (f) => f.endsWith('.jsonl'),
  'kilo-code': (f) => f.endsWith('.db'),
  opencode: (f) => f.endsWith('.db') || /\/storage\/session\/[^/]+\/[^/]+\.json$/.test(f),
};

/** The database targets write into a database the tool made: a copy of the newest fixture one, where the tool keeps it. */
const TARGET_DB: Partial<Record<ResumeTarget, { fixture: string; rel: string }>> = {
  'kilo-code': { fixture: 'kilo-code/generated-kilo-cli-7.7.7/dot-local-share-kilo/kilo.db', rel: '.local/share/kilo/kilo.db' },
  opencode: { fixture: 'opencode/generated-opencode-1.18.33/dot-local-share-opencode/opencode.db', rel: '.local/share/opencode/opencode.db' },
};

/** Prepares `home` for writing into `tool`; returns the seeded database, if any. */
export function seedTarget(tool: ResumeTarget, home: string): string | null {
  const t = TARGET_DB[tool];
  if (!t) return null;
  const file = path.join(home, t.rel);
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(path.join(fixtures, t.fixture), file);
  return file;
}

export function fixtureFiles(tool: ResumeTarget): string[] {
  return walk(path.join(fixtures, tool)).filter(PICK[tool]);
}

export const testEnv = (home: string, extra: NodeJS.ProcessEnv = {}): AdapterEnv => ({ home, platform: 'linux', env: extra });

export async function captureFile(tool: string, file: string, env: AdapterEnv = testEnv('/home/dev')): Promise<CapturedSession[]> {
  const adapter = adapterFor(tool)!;
  const style = file.endsWith('.jsonl') && tool !== 'gemini' ? 'append' : 'rewrite';
  const r = await adapter.read({ path: file, style }, null, env);
  return r.sessions;
}

/** A captured session as `sfs resume` would load it from the store. */
export function asSource(tool: string, s: CapturedSession): SourceSession {
  return {
    id: `ses_${tool.replace(/[^a-z]/g, '')}test`,
    tool,
    title: s.header.title ?? null,
    cwd: s.header.cwd ?? null,
    gitBranch: s.header.git?.branch ?? null,
    model: s.header.model?.model_id ?? null,
    provider: s.header.model?.provider ?? null,
    messages: currentLine(s.messages),
  };
}
