import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { captureSource } from '../engine/capture/capture-source.js';
import type { AdapterEnv } from '../engine/capture/contract.js';
import type { Store } from '../engine/store.js';
import { adapterFor } from '../adapters/index.js';
import { sampleTask } from '../test/adapters/cline-family/helpers.js';
import { writeTree } from '../test/adapters/shared/helpers.js';

/** Sessions captured from each of the nine tools' fixtures: the sources every target resumes. */
export interface SeededSource {
  label: string;
  tool: string;
  id: string;
}

const F = (rel: string, fixtures: string) => path.join(fixtures, rel);

export async function seedSources(store: Store, fixtures: string, scratch: string): Promise<SeededSource[]> {
  const cc = 'claude-code/generated-claude-code-2.1.197/dot-claude/projects/-home-dev-projects-demo-app/';
  const gm = 'gemini/generated-gemini-cli-0.61.0/dot-gemini/tmp/demo-app/chats/';
  const roo = path.join(scratch, 'roo', 'tasks', 'roo-task-1');
  mkdirSync(roo, { recursive: true });
  const { api, ui } = sampleTask('roo-task-1');
  writeTree(roo, { 'api_conversation_history.json': api, 'ui_messages.json': ui });
  const list: Array<[string, string, string, 'append' | 'rewrite']> = [
    ['claude-code tools+subagent', 'claude-code', F(cc + '54966ca3-cfa7-46f3-97ab-335ba9fada5a.jsonl', fixtures), 'append'],
    ['claude-code image', 'claude-code', F(cc + '4dee2827-7d49-4885-9553-346a259d7efd.jsonl', fixtures), 'append'],
    [
      'claude-code 2.1.332 tools+subagent+PR',
      'claude-code',
      F('claude-code/generated-claude-code-2.1.332/dot-claude/projects/-home-dev-projects-demo-app/a774d2b0-0f2d-4724-b8f9-c03d4b29fa8b.jsonl', fixtures),
      'append',
    ],
    [
      'codex',
      'codex',
      F('codex/generated-codex-0.169.0/dot-codex/sessions/2026/11/24/rollout-2026-11-24T04-00-48-01a20bb6-a20e-7161-b797-48b808b8cbd7.jsonl', fixtures),
      'append',
    ],
    [
      'codex 0.171.0 reasoning',
      'codex',
      F('codex/generated-codex-0.171.0/dot-codex/sessions/2026/12/03/rollout-2026-12-03T10-33-33-01a23b77-740c-7002-aeab-4b993cb3d8bd.jsonl', fixtures),
      'append',
    ],
    ['gemini', 'gemini', F(gm + 'session-2026-11-24T04-02-1ee066f1.jsonl', fixtures), 'append'],
    ['gemini image', 'gemini', F(gm + 'session-2026-11-24T04-02-564d40f4.jsonl', fixtures), 'append'],
    [
      'copilot',
      'copilot',
      F('copilot/generated-copilot-cli-1.0.102/dot-copilot/session-state/05060236-db17-4ef0-8f64-114ab9f70ff7/events.jsonl', fixtures),
      'append',
    ],
    ['cursor', 'cursor', F('cursor/public/Dicklesworthstone-cross_agent_session_resumer/state.vscdb', fixtures), 'rewrite'],
    ['amp', 'amp', F('amp/public/Dicklesworthstone-cross_agent_session_resumer/T-aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.json', fixtures), 'rewrite'],
    ['cline', 'cline', F('cline/public/Dicklesworthstone-cross_agent_session_resumer/tasks/1700001234567', fixtures), 'rewrite'],
    ['roo-code tools+unfinished call', 'roo-code', roo, 'rewrite'],
    ['kilo-code', 'kilo-code', F('cline/public/Dicklesworthstone-cross_agent_session_resumer/tasks/1700001234567', fixtures), 'rewrite'],
    ['kilo-code cli', 'kilo-code', F('kilo-code/generated-kilo-cli-7.7.7/dot-local-share-kilo/kilo.db', fixtures), 'rewrite'],
    ['opencode', 'opencode', F('opencode/generated-opencode-1.18.33/dot-local-share-opencode/opencode.db', fixtures), 'rewrite'],
    [
      'antigravity',
      'antigravity',
      F(
        'antigravity/public-examples/dot-gemini/antigravity-cli/brain/3b4a1d20-3968-4ed2-90b3-00eea3060b02/.system_generated/logs/transcript_full.jsonl',
        fixtures,
      ),
      'append',
    ],
  ];
  const env: AdapterEnv = { home: '/home/dev', platform: 'linux', env: {} };
  const out: SeededSource[] = [];
  for (const [label, tool, file, style] of list) {
    const r = await captureSource(store, adapterFor(tool)!, { path: file, style }, env);
    if (r.problems.length || !r.sessions[0]) throw new Error(`seeding ${label} from ${file}: ${JSON.stringify(r.problems)}`);
    out.push({ label, tool, id: r.sessions[0] });
  }
  return out;
}
