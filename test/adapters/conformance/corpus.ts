import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AdapterEnv, ToolName } from '../../../engine/capture/contract.js';
import { sampleTask } from '../cline-family/helpers.js';
import { fixtures, writeTree } from '../shared/helpers.js';

/**
 * Which fixture files are capture sources, per tool. Every file under a tool's fixture
 * root must be matched by exactly one of: a source rule, or an `ignored` rule saying why
 * the adapter does not read it as a source (index files, companions read beside a source,
 * formats the adapter does not support). The suite fails on a fixture nobody classified.
 */
export type SourceKind = 'jsonl' | 'json' | 'folder' | 'sqlite';

export interface SourceRule {
  /** Matched against the path relative to the tool root, with `/` separators (directories too). */
  match: RegExp;
  kind: SourceKind;
  style: 'append' | 'rewrite';
  /** Folder sources: the file inside the folder that the bad-input cases damage. */
  damage?: (folderName: string) => string;
}

export interface ToolCorpus {
  tool: ToolName;
  /** The tool's fixture root; synthetic tools build theirs under `scratch`. */
  root(scratch: string): string;
  /** The adapter environment for a store rooted at `root` (a fixture root or a temp copy of it). */
  env(root: string, home: string): AdapterEnv;
  sources: SourceRule[];
  ignored: Array<{ match: RegExp; why: string }>;
  /** Small sources (relative paths) the bad-input cases run on: one per source kind the tool reads. */
  small: string[];
}

export interface CorpusSource {
  rel: string;
  path: string;
  kind: SourceKind;
  style: 'append' | 'rewrite';
  damage?: string;
}

const plain = (home: string, extra: NodeJS.ProcessEnv = {}): AdapterEnv => ({ home, platform: process.platform, env: extra });

const CLINE_SDK = 'generated-cline-cli-3.0.65-sdk-sessions';
const CLINE_CLASSIC_API = path.join(fixtures, 'cline/public/Dicklesworthstone-cross_agent_session_resumer/tasks/1700001234567/api_conversation_history.json');

/** Roo and Kilo have no fixtures: task folders shaped like their own tests build (see SOURCES.md). */
function clineFamilyStore(scratch: string, extensionDir: string, index: 'roo' | 'kilo'): string {
  const home = path.join(scratch, `${index}-home`);
  const root = path.join(home, '.config', 'Code', 'User', 'globalStorage', extensionDir);
  const parent = '019a0b1c-2d3e-7f00-8000-000000000001';
  const child = '019a0b1c-2d40-7f00-8000-000000000002';
  const classic = '019a0b1c-2d50-7f00-8000-000000000003';
  const { api, ui } = sampleTask(parent);
  const childItem = { id: child, ts: 1_800_000_000_500, task: 'Run the tests', workspace: '/home/dev/proj', parentTaskId: parent, rootTaskId: parent };
  writeTree(root, {
    [`tasks/${parent}/api_conversation_history.json`]: [
      ...api,
      { role: 'user', ts: 1_800_000_000_080, isSummary: true, content: [{ type: 'text', text: 'Condensed: fixed tests' }] },
    ],
    [`tasks/${parent}/ui_messages.json`]: ui,
    [`tasks/${parent}/history_item.json`]: {
      id: parent,
      number: 1,
      ts: 1_800_000_000_000,
      task: 'Orchestrate the fix',
      workspace: '/home/dev/proj',
      childIds: [child],
    },
    [`tasks/${child}/api_conversation_history.json`]: [
      { role: 'user', ts: 1_800_000_000_500, content: 'Sub-task: run tests' },
      { role: 'assistant', ts: 1_800_000_000_600, content: 'Done' },
    ],
    [`tasks/${classic}/api_conversation_history.json`]: JSON.parse(readFileSync(CLINE_CLASSIC_API, 'utf8')),
    ...(index === 'roo' ? { 'tasks/_index.json': { version: 1, updatedAt: 1, entries: [childItem] } } : { 'task_history.json': [childItem] }),
  });
  return home;
}

const TASK_API = () => 'api_conversation_history.json';

/** Kilo: the extension's task folders (synthetic, above) plus the genuine Kilo CLI database where the CLI keeps it. */
const KILO_CLI_DB = path.join(fixtures, 'kilo-code/generated-kilo-cli-7.7.7/dot-local-share-kilo/kilo.db');
function kiloStore(scratch: string): string {
  const home = clineFamilyStore(scratch, 'kilocode.kilo-code', 'kilo');
  const db = path.join(home, '.local', 'share', 'kilo', 'kilo.db');
  mkdirSync(path.dirname(db), { recursive: true });
  copyFileSync(KILO_CLI_DB, db);
  return home;
}

/** OpenCode: the 1.18.33 database and the 1.1.65 JSON layout, where OpenCode keeps them (one data folder holds both after its migration). */
const OPENCODE_FIXTURES = path.join(fixtures, 'opencode');
function openCodeStore(scratch: string): string {
  const home = path.join(scratch, 'opencode-home');
  const data = path.join(home, '.local', 'share', 'opencode');
  mkdirSync(data, { recursive: true });
  copyFileSync(path.join(OPENCODE_FIXTURES, 'generated-opencode-1.18.33/dot-local-share-opencode/opencode.db'), path.join(data, 'opencode.db'));
  cpSync(path.join(OPENCODE_FIXTURES, 'generated-opencode-1.1.65/dot-local-share-opencode/storage'), path.join(data, 'storage'), { recursive: true });
  return home;
}

export const CORPUS: ToolCorpus[] = [
  {
    tool: 'claude-code',
    root: () => path.join(fixtures, 'claude-code'),
    env: (_root, home) => plain(home),
    ignored: [
      { match: /(^|\/)history\.jsonl$/, why: 'prompt history index, not a transcript' },
      { match: /\.meta\.json$/, why: 'sub-agent metadata, read beside its transcript' },
      { match: /(^|\/)custom-title\.json$/, why: "a session's title sidecar (2.1.3xx), read beside its transcript" },
    ],
    sources: [{ match: /\.jsonl$/, kind: 'jsonl', style: 'append' }],
    small: ['public/SessionFS-sessionfs/with_tools.jsonl'],
  },
  {
    tool: 'codex',
    root: () => path.join(fixtures, 'codex'),
    env: (_root, home) => plain(home),
    ignored: [
      { match: /(^|\/)(history|session_index)\.jsonl$/, why: 'prompt history / thread-name index, not a rollout (session_index is read for titles)' },
      { match: /\.sqlite(-shm|-wal)?$/, why: 'state and thread-history databases: indexes the adapter does not read' },
    ],
    sources: [
      { match: /\.jsonl$/, kind: 'jsonl', style: 'append' },
      // pre-JSONL single-JSON rollouts of the TypeScript CLI (≤ 0.2x)
      { match: /\.json$/, kind: 'json', style: 'rewrite' },
    ],
    small: [
      'public/Dicklesworthstone-cross_agent_session_resumer/codex_exec_tool_results.jsonl',
      'public/Dicklesworthstone-cross_agent_session_resumer/codex_legacy.json',
    ],
  },
  {
    tool: 'gemini',
    root: () => path.join(fixtures, 'gemini'),
    env: (_root, home) => plain(home),
    ignored: [
      { match: /(^|\/)(logs|projects)\.json$/, why: 'prompt log / project registry, not a chat' },
      { match: /(^|\/)\.project_root$/, why: 'project root marker, read beside the chats' },
    ],
    sources: [
      { match: /\.jsonl$/, kind: 'jsonl', style: 'append' },
      { match: /\.json$/, kind: 'json', style: 'rewrite' },
    ],
    small: ['resume-test-0.61.0/session-2026-11-20T10-00-33333333.jsonl', 'public/jazzyalex-agent-sessions/small.json'],
  },
  {
    tool: 'copilot',
    root: () => path.join(fixtures, 'copilot'),
    env: (_root, home) => plain(home),
    ignored: [
      { match: /(^|\/)workspace\.yaml$/, why: 'session summary (title, cwd), read beside events.jsonl' },
      { match: /\/checkpoints\//, why: 'compaction checkpoints (markdown), not events' },
      { match: /\/rewind-file-snapshots\//, why: 'file snapshots for /rewind, not events' },
      { match: /session-store\.db$/, why: 'global session index the adapter does not read' },
    ],
    sources: [{ match: /\.jsonl$/, kind: 'jsonl', style: 'append' }],
    small: ['public/jazzyalex-agent-sessions/subdir_v1/aaaabbbb-1111-2222-3333-ccccddddeeee/events.jsonl'],
  },
  {
    tool: 'cursor',
    root: () => path.join(fixtures, 'cursor'),
    env: (_root, home) => plain(home),
    ignored: [{ match: /(^|\/)[^/]*store\.db$/, why: 'Cursor Agent chat store (meta: name, createdAt, model): read beside its transcript' }],
    sources: [
      { match: /\.vscdb$/, kind: 'sqlite', style: 'rewrite' },
      { match: /\.jsonl$/, kind: 'jsonl', style: 'append' },
    ],
    small: ['public/Dicklesworthstone-cross_agent_session_resumer/state.vscdb', 'public/jazzyalex-agent-sessions/test-session.jsonl'],
  },
  {
    tool: 'amp',
    root: () => path.join(fixtures, 'amp'),
    env: (_root, home) => plain(home),
    ignored: [],
    sources: [{ match: /\.json$/, kind: 'json', style: 'rewrite' }],
    small: ['public/Dicklesworthstone-cross_agent_session_resumer/T-aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.json'],
  },
  {
    tool: 'cline',
    root: () => path.join(fixtures, 'cline'),
    // The SDK session store is recognised by its root, so the env must name it.
    env: (root, home) => plain(home, { CLINE_DATA_DIR: path.join(root, CLINE_SDK) }),
    ignored: [{ match: /(^|\/)state\/taskHistory\.json$/, why: 'task index, read beside the task folders' }],
    sources: [
      { match: new RegExp(`^${CLINE_SDK}/sessions/[^/]+$`), kind: 'folder', style: 'rewrite', damage: (id) => `${id}.messages.json` },
      { match: /(^|\/)tasks\/[^/]+$/, kind: 'folder', style: 'rewrite', damage: TASK_API },
    ],
    small: [`${CLINE_SDK}/sessions/1795493231239_9szvx`, 'public/Dicklesworthstone-cross_agent_session_resumer/tasks/1700001234567'],
  },
  {
    tool: 'roo-code',
    root: (scratch) => clineFamilyStore(scratch, 'rooveterinaryinc.roo-cline', 'roo'),
    env: (root) => plain(root),
    ignored: [{ match: /\/tasks\/_index\.json$/, why: 'task index cache, read beside the task folders' }],
    sources: [{ match: /\/tasks\/[^/_][^/]*$/, kind: 'folder', style: 'rewrite', damage: TASK_API }],
    small: ['.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/019a0b1c-2d3e-7f00-8000-000000000001'],
  },
  {
    tool: 'kilo-code',
    root: (scratch) => kiloStore(scratch),
    env: (root) => plain(root),
    ignored: [{ match: /\/task_history\.json$/, why: 'task index, read beside the task folders' }],
    sources: [
      { match: /\/tasks\/[^/_][^/]*$/, kind: 'folder', style: 'rewrite', damage: TASK_API },
      { match: /(^|\/)kilo(-[^/]*)?\.db$/, kind: 'sqlite', style: 'rewrite' },
    ],
    small: ['.config/Code/User/globalStorage/kilocode.kilo-code/tasks/019a0b1c-2d3e-7f00-8000-000000000001', '.local/share/kilo/kilo.db'],
  },
  {
    tool: 'opencode',
    root: (scratch) => openCodeStore(scratch),
    env: (root) => plain(root),
    ignored: [
      // A JSON-layout session spans three folders, which this suite's one-file copies cannot carry: its
      // reader is tested in test/adapters/opencode/ (fixture, damaged files, watcher paths).
      { match: /\/storage\/session\/[^/]+\/[^/]+\.json$/, why: 'JSON-layout sessions (≤ 1.1): tested in test/adapters/opencode/' },
      { match: /\/storage\/(message|part)\/[^/]+\/[^/]+\.json$/, why: 'messages and parts of the JSON layout, read beside their session file' },
      { match: /\/storage\/(project|session_diff)\/[^/]+\.json$/, why: 'project registry and per-session file diffs, not transcripts' },
      { match: /\/storage\/migration$/, why: "the JSON layout's migration counter" },
    ],
    sources: [{ match: /(^|\/)opencode(-[^/]*)?\.db$/, kind: 'sqlite', style: 'rewrite' }],
    small: ['.local/share/opencode/opencode.db'],
  },
  {
    tool: 'antigravity',
    root: () => path.join(fixtures, 'antigravity'),
    env: (_root, home) => plain(home),
    ignored: [
      { match: /(^|\/)history\.jsonl$/, why: 'prompt log (directory and first prompt), read beside the transcripts' },
      { match: /\/logs\/transcript\.jsonl$/, why: 'truncated copy of transcript_full.jsonl, read only when the full log is absent' },
      { match: /\/brain\/[^/]+\/[^/]+\.md$/, why: 'plan and task artifacts of the conversation, not its transcript' },
    ],
    sources: [{ match: /\/transcript_full\.jsonl$/, kind: 'jsonl', style: 'append' }],
    small: ['public-examples/dot-gemini/antigravity-cli/brain/3b4a1d20-3968-4ed2-90b3-00eea3060b02/.system_generated/logs/transcript_full.jsonl'],
  },
];

export interface Classified {
  sources: CorpusSource[];
  ignored: Array<{ rel: string; why: string }>;
  /** Files no rule covers: the corpus must be updated. */
  unclassified: string[];
}

/** Walks a tool root and sorts every entry into sources, ignored files and unclassified files. */
export function classify(corpus: ToolCorpus, root: string): Classified {
  const out: Classified = { sources: [], ignored: [], unclassified: [] };
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const ignored = corpus.ignored.find((i) => i.match.test(r));
      const rule = corpus.sources.find((s) => s.match.test(r) && (s.kind === 'folder') === e.isDirectory());
      if (ignored) out.ignored.push({ rel: r, why: ignored.why });
      else if (rule) {
        const src: CorpusSource = { rel: r, path: path.join(root, r), kind: rule.kind, style: rule.style };
        if (rule.damage) src.damage = rule.damage(e.name);
        out.sources.push(src);
      } else if (e.isDirectory()) walk(r);
      else out.unclassified.push(r);
    }
  };
  walk('');
  return out;
}
