import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/opencode/index.js';
import type { AdapterEnv, CaptureSource } from '../../../engine/capture/contract.js';
import type { Message } from '../../../engine/model/message.js';
import { assertSchemaValid, assertToolsPaired, fixtures, tempDir } from '../shared/helpers.js';

/** OpenCode 1.18.33's database and 1.1.65's JSON layout (test/fixtures/opencode/*\/README.md say how they were made). */
const DB = path.join(fixtures, 'opencode/generated-opencode-1.18.33/dot-local-share-opencode/opencode.db');
const STORAGE = path.join(fixtures, 'opencode/generated-opencode-1.1.65/dot-local-share-opencode/storage');
const TOOLS = 'ses_dc48c9685ffePheGHHfnh4r0eO';
const IMAGE = 'ses_dc48c3bb6ffewc8xulpUo9ldsy';
const BADREQ = 'ses_dc48c1edfffekRbuEJrb7NaQEX';
const OLD_TOOLS = 'ses_dc48c0075ffezQh3PborTluRCe';
const src = (p: string): CaptureSource => ({ path: p, style: 'rewrite' });
const envAt = (home: string, extra: NodeJS.ProcessEnv = {}): AdapterEnv => ({ home, platform: 'linux', env: extra });
const text = (m: Message) =>
  m.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n');

/** A home whose OpenCode data folder holds both stores, as after OpenCode 1.2 migrated its JSON files. */
function home(xdg?: string): { home: string; data: string } {
  const h = tempDir('sfs-opencode-');
  const data = path.join(xdg ?? path.join(h, '.local', 'share'), 'opencode');
  mkdirSync(data, { recursive: true });
  cpSync(DB, path.join(data, 'opencode.db'));
  cpSync(STORAGE, path.join(data, 'storage'), { recursive: true });
  return { home: h, data };
}

test('SQLite store (1.18.33): sessions, titles, version, model; thinking keeps its signature; calls paired; a failed call; an image; an API error', async () => {
  const r = await adapter.read(src(DB), null, envAt('/nonexistent'));
  assert.deepEqual(r.problems, []);
  await assertSchemaValid('opencode', r.sessions, DB);
  assert.deepEqual(
    r.sessions.map((s) => s.nativeId),
    [TOOLS, IMAGE, BADREQ],
  );
  const s = r.sessions[0]!;
  assert.equal(s.header.tool_version, '1.18.33');
  assert.equal(s.header.cwd, '/tmp/oc-gen/opencode-run/home/projects/demo-app');
  assert.deepEqual(s.header.model, { provider: 'mock', model_id: 'claude-mock-1' });
  const ms = s.messages;
  assert.deepEqual(
    ms.map((m) => m.role),
    ['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'user', 'assistant'],
  );
  assert.equal(text(ms[0]!), '"SCN_TOOLS: please inspect this project"');
  assert.deepEqual(ms[1]!.content[0], { type: 'thinking', text: 'The user wants an overview; list the files first.', signature: 'sig-mock-anthropic-0001' });
  assert.deepEqual(ms[2]!.content, [{ type: 'tool_result', tool_use_id: 'toolu_SCN_TOOLS_1', content: 'README.md\npixel.png\nsrc\n' }]);
  const failed = ms[6]!.content[0] as { is_error?: boolean; content: string };
  assert.equal(failed.is_error, true);
  assert.match(failed.content, /^File not found: .*missing\.md$/);
  assertToolsPaired(ms);
  const image = r.sessions[1]!.messages[0]!.content.find((b) => b.type === 'image') as { source: { media_type: string; data: string } };
  assert.equal(image.source.media_type, 'image/png');
  assert.ok(image.source.data.startsWith('iVBORw0KGgo'));
  const bad = r.sessions[2]!.messages;
  assert.equal(bad[1]!.is_api_error, true);
  assert.match(text(bad[1]!), /mock: this request is refused/);
});

test('JSON layout (1.1.65): one source per session file, read with its messages and parts; the same transcript model', async () => {
  const { home: h } = home();
  const env = envAt(h);
  const sources = await adapter.listSources(env);
  assert.equal(sources.filter((s) => s.path.endsWith('.db')).length, 1);
  const files = sources.filter((s) => s.path.endsWith('.json'));
  assert.equal(files.length, 3);
  const r = await adapter.read(
    files.find((f) => f.path.includes(OLD_TOOLS))!,
    null,
    env,
  );
  assert.deepEqual(r.problems, []);
  await assertSchemaValid('opencode', r.sessions, files[0]!.path);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, OLD_TOOLS);
  assert.equal(s.header.tool_version, '1.1.65');
  assert.equal(s.header.title, 'Inspect the demo project');
  assert.equal(s.messages[0]!.role, 'user');
  assert.equal(text(s.messages[0]!), '"SCN_TOOLS: please inspect this project"\n'); // 1.1.65 kept the newline
  assert.deepEqual(s.messages[1]!.content[0], {
    type: 'thinking',
    text: 'The user wants an overview; list the files first.',
    signature: 'sig-mock-anthropic-0001',
  });
  assert.ok(s.messages.some((m) => m.role === 'tool'));
  assertToolsPaired(s.messages);
  // unchanged files: nothing to re-read
  const again = await adapter.read(
    files.find((f) => f.path.includes(OLD_TOOLS))!,
    r.cursor,
    env,
  );
  assert.deepEqual(again.sessions, []);
});

test('XDG_DATA_HOME and OPENCODE_DB are honoured; a changed message, part or WAL file maps to its source', async () => {
  const xdg = path.join(tempDir('sfs-opencode-xdg-'), 'data');
  const { home: h, data } = home(xdg);
  const env = envAt(h, { XDG_DATA_HOME: xdg });
  assert.deepEqual(adapter.storeDirs(env), [data]);
  const db = path.join(data, 'opencode.db');
  assert.ok((await adapter.listSources(env)).some((s) => s.path === db));
  assert.deepEqual(adapter.sourceFor(`${db}-wal`, env), { path: db, style: 'rewrite' });
  assert.deepEqual(adapter.sourceFor(path.join(data, 'opencode-beta.db'), env), { path: path.join(data, 'opencode-beta.db'), style: 'rewrite' });
  const other = path.join(h, 'elsewhere.db');
  assert.deepEqual(adapter.sourceFor(other, envAt(h, { XDG_DATA_HOME: xdg, OPENCODE_DB: other })), { path: other, style: 'rewrite' });
  const session = path.join(data, 'storage/session/bea562a6b068c25bca7d1aa92f50cf164cf12fcc', `${OLD_TOOLS}.json`);
  assert.deepEqual(adapter.sourceFor(path.join(data, 'storage/message', OLD_TOOLS, 'msg_x.json'), env), { path: session, style: 'rewrite' });
  assert.deepEqual(adapter.sourceFor(path.join(data, 'storage/part/msg_23b74007e001d2Y3u2vA0N5eQE/prt_23b740353001jF96kmye0AAxrW.json'), env), {
    path: session,
    style: 'rewrite',
  });
  assert.equal(adapter.sourceFor(path.join(data, 'storage/project/x.json'), env), null);
  // the default location is not read when XDG_DATA_HOME points elsewhere
  assert.equal(adapter.sourceFor(path.join(h, '.local/share/opencode/opencode.db'), env), null);
});

test('a damaged part file is a problem naming it; the rest of the session is read', async () => {
  const { home: h, data } = home();
  const env = envAt(h);
  const part = path.join(data, 'storage/part/msg_23b74007e001d2Y3u2vA0N5eQE/prt_23b740353001jF96kmye0AAxrW.json');
  writeFileSync(part, '{"id": "prt_23b740353001jF96kmye0AAxrW", "type": "te');
  const file = path.join(data, 'storage/session/bea562a6b068c25bca7d1aa92f50cf164cf12fcc', `${OLD_TOOLS}.json`);
  const r = await adapter.read(src(file), null, env);
  assert.ok(r.problems.some((p) => p.path === part));
  assert.equal(r.sessions.length, 1);
  assert.ok(r.sessions[0]!.messages.length > 3);
});
