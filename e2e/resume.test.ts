import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { captureSource } from '../engine/capture/capture-source.js';
import { resolvePaths } from '../engine/paths.js';
import { resumedFrom } from '../engine/queries/resume-lineage.js';
import { loadSourceSession } from '../engine/resume/source.js';
import { RESUME_TARGETS, type ResumeTarget } from '../engine/resume/types.js';
import { Store } from '../engine/store.js';
import { adapterFor } from '../adapters/index.js';
import { allStrings, checkAnthropic, checkChat, checkGemini, checkResponses } from './checks.js';
import { cliSetups } from './clis.js';
import { expectationFor, squash, type Expectation } from './expect.js';
import { REPLY, startMockModel, type MockModel, type Recorded } from './mock-model.js';
import { seedSources, type SeededSource } from './sources.js';

/**
 * End to end: sessions captured from all nine tools are resumed with `sfs resume --no-launch`
 * into each of the four targets, the real target CLI (installed by e2e/run.sh into
 * .e2e-clis/) is started on the written session with one new prompt, and the request it
 * sends to the mock model must carry the whole prior conversation in a shape the real
 * provider API accepts. Then capture must continue the same SessionFS session.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.resolve(repo, 'test/fixtures');
const binDir = path.join(repo, '.e2e-clis', 'node_modules', '.bin');
const sfsBin = path.join(repo, 'dist', 'bin', 'main.js');
const run = promisify(execFile);
/** SFS_E2E_TARGETS=codex,gemini runs a subset. */
const TARGETS = (process.env.SFS_E2E_TARGETS ? process.env.SFS_E2E_TARGETS.split(',') : [...RESUME_TARGETS]) as ResumeTarget[];
/** Shared between runs: Copilot unpacks 235 MB into it on first start. */
const copilotCache = path.join(repo, '.e2e-clis', 'copilot-cache');

const CHECK: Record<ResumeTarget, { isMain(r: Recorded): boolean; shape(body: any): string[] }> = {
  'claude-code': { isMain: (r) => r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens'), shape: checkAnthropic },
  codex: { isMain: (r) => r.path.startsWith('/v1/responses'), shape: checkResponses },
  // The plain :generateContent calls are the router and summaries; the turn itself streams.
  gemini: { isMain: (r) => r.path.includes(':streamGenerateContent'), shape: checkGemini },
  copilot: { isMain: (r) => r.path.startsWith('/v1/chat/completions'), shape: checkChat },
  // OpenCode and Kilo talk to the configured `mock` provider over the Messages API; a title request has no tools.
  'kilo-code': { isMain: (r) => r.path.startsWith('/v1/messages') && !!(r.body as { tools?: unknown[] })?.tools?.length, shape: checkAnthropic },
  opencode: { isMain: (r) => r.path.startsWith('/v1/messages') && !!(r.body as { tools?: unknown[] })?.tools?.length, shape: checkAnthropic },
  // Set up with an OpenAI-compatible provider (e2e/clis.ts).
  cline: { isMain: (r) => r.path.startsWith('/v1/chat/completions'), shape: checkChat },
};

/**
 * The Kilo CLI is OpenCode's fork, written by the same writer (adapters/opencode-family, its own database
 * path): OpenCode resumes every source, Kilo (the heaviest CLI here, ~11 s of CPU per turn) the ones that
 * differ for it: tools with a sub-agent, an image, another vendor's format, its own sessions and OpenCode's.
 */
const SOURCES_FOR: Partial<Record<ResumeTarget, readonly string[]>> = {
  'kilo-code': ['claude-code tools+subagent', 'claude-code image', 'codex', 'kilo-code cli', 'opencode'],
};

let scratch: string;
let sfsHome: string;
let sources: SeededSource[] = [];
const expectations = new Map<string, Expectation>();
/** `prompts`: what the target CLI was asked in the session, each of which must end up in the written file. */
const written: Array<{ target: ResumeTarget; source: SeededSource; session: string; nativeId: string; path: string; prompts: string[] }> = [];
const AGAIN = 'E2E_RESUMED_AGAIN';

before(async () => {
  for (const t of TARGETS) assert.ok(existsSync(cliSetups(binDir)[t].bin), `${t} CLI missing in ${binDir}: run npm run test:e2e (it installs them)`);
  scratch = mkdtempSync(path.join(tmpdir(), 'sfs-e2e-'));
  sfsHome = path.join(scratch, 'sfs');
  const store = await Store.open(resolvePaths({ ...process.env, SFS_HOME: sfsHome }));
  try {
    sources = await seedSources(store, fixtures, scratch);
    for (const [t, labels] of Object.entries(SOURCES_FOR))
      for (const l of labels)
        assert.ok(
          sources.some((s) => s.label === l),
          `${t}: no seeded source is labelled "${l}"`,
        );
    const db = await store.view();
    for (const s of sources)
      for (const t of RESUME_TARGETS) expectations.set(`${s.id}>${t}`, expectationFor(loadSourceSession(db, s.id), t, path.join(scratch, `project-${t}`)));
  } finally {
    await store.close();
  }
});

after(async () => {
  await run('tmux', [...TMUX, 'kill-server']).catch(() => undefined);
  if (scratch && !process.env.SFS_E2E_KEEP) rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
});

function runCli(bin: string, args: string[], cwd: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** One tmux server for the suite's terminal UIs (Cline's `--id` resume), on its own socket. */
const TMUX = ['-L', `sfs-e2e-${process.pid}`];
let tuiCount = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a terminal UI under tmux with exactly `env`, waits for `tui.ready`, types `prompt`,
 * waits for the mock's reply to show after it, quits with `tui.quit`, and returns the screen
 * (the whole scrollback) and the exit code.
 */
async function runTui(
  bin: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  prompt: string,
  tui: { ready: string; quit: string },
  timeoutMs: number,
): Promise<{ code: number | null; out: string }> {
  const name = `tui${++tuiCount}`;
  const kv = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  // The pane prints the exit code and stays, so the last screen can still be read.
  const cmd = ['sh', '-c', '"$@"; echo "SFS_EXIT:$?"; sleep 600', 'sh', 'env', '-i', ...kv, bin, ...args];
  await run('tmux', [...TMUX, 'new-session', '-d', '-s', name, '-x', '200', '-y', '50', '-c', cwd, ...cmd]);
  const screen = async () => (await run('tmux', [...TMUX, 'capture-pane', '-p', '-J', '-S', '-', '-t', name], { maxBuffer: 64 << 20 })).stdout;
  const until = async (ok: (text: string) => boolean, deadline: number): Promise<string> => {
    let text = await screen();
    while (!ok(text) && Date.now() < deadline) {
      await sleep(250);
      text = await screen();
    }
    return text;
  };
  const deadline = Date.now() + timeoutMs;
  const exited = (t: string) => /SFS_EXIT:\d+/.test(t);
  const answered = (t: string) => t.lastIndexOf(REPLY) > t.lastIndexOf(prompt);
  const keys = (...k: string[]) => run('tmux', [...TMUX, 'send-keys', '-t', name, ...k]);
  try {
    let out = await until((t) => t.includes(tui.ready) || exited(t), deadline);
    let seen = '';
    if (!exited(out)) {
      // An Enter that comes too soon after the text (or after start-up) is lost: type, wait to see it, then
      // press Enter again now and then until the reply shows.
      await sleep(500);
      await keys('-l', prompt);
      await until((t) => t.includes(prompt), deadline);
      while (!exited(out) && !answered(out) && Date.now() < deadline) {
        await sleep(300);
        await keys('Enter');
        out = await until((t) => exited(t) || answered(t), Math.min(deadline, Date.now() + 5000));
      }
      // The UI clears its screen when it quits: keep what it showed with the reply.
      seen = out;
      // Quit: type the command and Enter; the first Enter may only pick the command from Cline's
      // completion menu, and under load a keystroke can be lost, so close any menu and try again
      // every few seconds until the deadline.
      while (!exited(out) && Date.now() < deadline) {
        await keys('-l', tui.quit);
        await sleep(300);
        await keys('Enter');
        out = await until(exited, Math.min(deadline, Date.now() + 3000));
        if (exited(out)) break;
        await keys('Enter');
        out = await until(exited, Math.min(deadline, Date.now() + 5000));
        if (exited(out)) break;
        await keys('Escape');
        await sleep(300);
        await keys(...Array<string>(tui.quit.length + 2).fill('BSpace'));
      }
    }
    const code = /SFS_EXIT:(\d+)/.exec(out);
    // Says which step did not finish when the pane did not exit: the reply, or the quit.
    const state = exited(out) ? '' : answered(seen) ? '\n[answered; did not quit]' : '\n[no reply before the deadline]';
    return { code: code ? Number(code[1]) : null, out: seen + out + state };
  } finally {
    await run('tmux', [...TMUX, 'kill-session', '-t', name]).catch(() => undefined);
  }
}

async function resumeAll(target: ResumeTarget, mock: MockModel): Promise<void> {
  const setup = cliSetups(binDir)[target];
  const home = path.join(scratch, `home-${target}`);
  const project = path.join(scratch, `project-${target}`);
  mkdirSync(path.join(home, '.tmp'), { recursive: true });
  mkdirSync(project, { recursive: true });
  setup.prepare(home, project, mock.url);
  const failures: string[] = [];
  const env = { PATH: process.env.PATH ?? '', HOME: home, TMPDIR: path.join(home, '.tmp'), TERM: 'dumb', ...setup.env(home, mock.url, copilotCache) };
  let first: { nativeId: string; writtenBy: number; prompts: string[] } | undefined;
  if (setup.initArgs) {
    const init = await runCli(setup.bin, setup.initArgs, project, env, 120_000);
    if (init.code !== 0) failures.push(`${target} ${setup.initArgs.join(' ')}: exit ${init.code}; output: ${init.out.slice(-600)}`);
  }
  const only = SOURCES_FOR[target];
  for (const source of only ? sources.filter((s) => only.includes(s.label)) : sources) {
    const name = `${source.label} → ${target}`;
    const { stdout } = await run(process.execPath, [sfsBin, 'resume', source.id, '--in', target, '--no-launch', '--project', project, '--json'], {
      env: { ...process.env, HOME: home, SFS_HOME: sfsHome },
    });
    const r = JSON.parse(stdout).data as { native_id: string; path: string; session: string };
    const prompt = `E2E_FOLLOWUP ${source.id}`;
    const w = { target, source, session: r.session, nativeId: r.native_id, path: r.path, prompts: [prompt] };
    written.push(w);
    first ??= { nativeId: r.native_id, writtenBy: Date.now(), prompts: w.prompts };
    const from = mock.requests.length;
    const res = setup.tui
      ? await runTui(setup.bin, setup.resumeArgs(r.native_id, prompt), project, env, prompt, setup.tui, 120_000)
      : await runCli(setup.bin, setup.resumeArgs(r.native_id, prompt), project, env, 120_000);
    const sent = mock.requests.slice(from).filter((q) => CHECK[target].isMain(q) && JSON.stringify(q.body).includes(prompt));
    if (res.code !== 0 || !res.out.includes(REPLY) || sent.length === 0) {
      failures.push(`${name}: exit ${res.code}, ${sent.length} model requests with the prompt; output: ${res.out.slice(-600)}`);
      continue;
    }
    const body = sent[0]!.body as Record<string, unknown>;
    const problems = CHECK[target].shape(body);
    const text = squash(allStrings(body).join('\n'));
    const exp = expectations.get(`${source.id}>${target}`)!;
    for (const s of exp.snippets) if (!text.includes(s)) problems.push(`prior turn missing from the request: "${s}"`);
    for (const img of exp.images) if (!text.includes(img)) problems.push('image missing from the request');
    for (const sig of exp.foreignSignatures) if (text.includes(sig)) problems.push(`foreign signature sent: ${sig.slice(0, 20)}…`);
    if (problems.length) failures.push(`${name}:\n  ${problems.join('\n  ')}`);
  }
  // The user resumes the first session again later, and then starts a new session: the tool's
  // start-up housekeeping runs over the resumed ones. Gemini CLI opens an empty file named by the
  // minute on every resume and its cleanup deletes those, so there "later" is another minute than
  // the session was written in (a resume in the same minute appends to a file of the same name).
  if (first) {
    const wait = (Math.floor(first.writtenBy / 60_000) + 1) * 60_000 - Date.now();
    if (target === 'gemini' && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 100));
    const again = setup.tui
      ? await runTui(setup.bin, setup.resumeArgs(first.nativeId, AGAIN), project, env, AGAIN, setup.tui, 120_000)
      : await runCli(setup.bin, setup.resumeArgs(first.nativeId, AGAIN), project, env, 120_000);
    if (again.code !== 0 || !again.out.includes(REPLY)) failures.push(`${target}: resumed again: exit ${again.code}; output: ${again.out.slice(-600)}`);
    first.prompts.push(AGAIN);
  }
  // A tool whose listing command created its store lists every written session there (in the project's directory).
  if (setup.initArgs) {
    const list = await runCli(setup.bin, setup.initArgs, project, env, 120_000);
    for (const w of written.filter((x) => x.target === target))
      if (!list.out.includes(w.nativeId)) failures.push(`${target} ${setup.initArgs.join(' ')} does not list ${w.nativeId} (${w.source.label})`);
  }
  const later = await runCli(setup.bin, setup.newArgs('E2E_NEW_SESSION'), project, env, 120_000);
  if (later.code !== 0 || !later.out.includes(REPLY)) failures.push(`a new ${target} session: exit ${later.code}; output: ${later.out.slice(-600)}`);
  assert.deepEqual(failures, [], failures.join('\n'));
}

// Two CLIs at a time: this machine kind has two cores.
test('each target CLI resumes sessions captured from all nine tools with the full, valid history', { concurrency: 2 }, async (t) => {
  await Promise.all(
    TARGETS.map((target) =>
      t.test(target, async () => {
        const mock = await startMockModel();
        try {
          await resumeAll(target, mock);
        } finally {
          cliSetups(binDir)[target].cleanup?.(path.join(scratch, `home-${target}`));
          await mock.close();
        }
      }),
    ),
  );
});

for (const target of TARGETS) {
  test(`capture continues each session resumed in ${target} (the tool appended to the written file), with its lineage`, async () => {
    const store = await Store.open(resolvePaths({ ...process.env, SFS_HOME: sfsHome }));
    try {
      for (const w of written.filter((x) => x.target === target)) {
        const home = path.join(scratch, `home-${w.target}`);
        const env = { home, platform: process.platform, env: {} };
        const adapter = adapterFor(w.target)!;
        assert.ok(existsSync(w.path), `${w.source.label} → ${w.target}: ${w.path} is gone`);
        // A database target holds every session in one file (the prompts may still sit in its WAL): checked on the capture below.
        const database = w.path.endsWith('.db');
        const native = database ? '' : readFileSync(w.path, 'utf8');
        if (!database) for (const p of w.prompts) assert.ok(native.includes(p), `${w.source.label} → ${w.target}: "${p}" went to another file`);
        const r = await captureSource(store, adapter, adapter.sourceFor(w.path, env) ?? { path: w.path, style: 'append' }, env);
        if (database) {
          const text = JSON.stringify(loadSourceSession(await store.view(), w.session).messages);
          for (const p of w.prompts) assert.ok(text.includes(p), `${w.source.label} → ${w.target}: "${p}" was not captured into ${w.session}`);
        } else {
          assert.deepEqual(r.sessions, [w.session], `${w.source.label} → ${w.target}`);
          assert.ok(r.messagesAdded >= 1, `${w.source.label} → ${w.target}: the new turn was captured`);
        }
        assert.equal(resumedFrom(await store.view(), w.session)?.from, w.source.id);
      }
    } finally {
      await store.close();
    }
  });
}
