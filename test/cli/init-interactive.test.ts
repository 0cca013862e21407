import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, fakeHome } from '../helpers/fake-home.js';

/**
 * `sfs init` answered at its prompts on a real terminal: util-linux `script` gives the
 * CLI a pseudo-terminal, and keystrokes go in only once the question is on screen.
 */
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;

interface Step {
  /** Text the screen must show before the keys are sent. */
  waitFor: RegExp;
  keys: string;
}

function drive(cmd: string[], env: NodeJS.ProcessEnv, cwd: string, steps: Step[], timeoutMs = 60_000): Promise<{ code: number; screen: string }> {
  const line = cmd.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // -e: the child's exit code; -q: no banner; -f: flush output at once; /dev/null: no typescript file.
  const child = spawn('script', ['-qfec', line, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  let seenTo = 0;
  const pump = () => {
    while (next < steps.length) {
      const step = steps[next]!;
      const m = step.waitFor.exec(screen.slice(seenTo));
      if (!m) return;
      seenTo += m.index + m[0].length;
      next++;
      // A short pause: the prompt library arms its key handler right after it draws.
      setTimeout(() => child.stdin.write(step.keys), 150);
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    screen += d;
    pump();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out at step ${next}; screen so far:\n${screen.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen });
    });
  });
}

const ENTER = '\r';
const SPACE = ' ';

test(
  'sfs init on a terminal: untick a tool, import the rest, decline the daemon',
  { skip: hasScript ? false : 'no `script` (util-linux) to give the CLI a terminal' },
  async (t) => {
    const h = fakeHome(t, ['claude-code', 'codex']);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: h.home, SFS_HOME: h.sfsHome, NO_COLOR: '1', TERM: 'xterm' };
    for (const k of ['CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'FORCE_COLOR', 'CI']) delete env[k];
    const r = await drive([process.execPath, CLI, 'init'], env, h.root, [
      // Both found tools start ticked; the cursor is on the first (Claude Code): untick it.
      { waitFor: /Which tools should SessionFS capture\?/, keys: SPACE },
      { waitFor: /◯ Claude Code/, keys: ENTER },
      { waitFor: /Import the existing history now \(\d+ session files\)\?/, keys: `y${ENTER}` },
      { waitFor: /Start the capture daemon now\?/, keys: `n${ENTER}` },
    ]);
    assert.equal(r.code, 0, r.screen.slice(-2000));
    assert.match(r.screen, /imported: \d+ sources, \d+ new sessions/);
    assert.doesNotMatch(r.screen, /daemon started/);

    const config = await h.json(['config', 'show']);
    const flat = JSON.stringify(config);
    assert.match(flat, /"watch\.claude-code":\s*"off"/);
    assert.match(flat, /"watch\.codex":\s*"on"/);
    const list = await h.json(['list', '--limit', '1000']);
    const tools = new Set(list.sessions.map((s: { tool: string }) => s.tool));
    assert.deepEqual([...tools], ['codex'], 'only the ticked tool was imported');
    const status = await h.json(['daemon', 'status']);
    assert.equal(status.running, false);

    // Safe to run twice: the answers are remembered (Claude Code stays unticked by default).
    const again = await drive([process.execPath, CLI, 'init'], env, h.root, [
      { waitFor: /◯ Claude Code[\s\S]*◉ Codex/, keys: ENTER },
      { waitFor: /Import the existing history now/, keys: `y${ENTER}` },
      { waitFor: /Start the capture daemon now\?/, keys: `n${ENTER}` },
    ]);
    assert.equal(again.code, 0, again.screen.slice(-2000));
    assert.match(again.screen, /imported: \d+ sources, 0 new sessions, 0 messages added/);
  },
);

test('sfs init without a terminal and without --yes refuses with a usage error', async (t) => {
  const h = fakeHome(t, ['codex']);
  const r = await h.run(['init']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /asks questions on a terminal; use --yes/);
});
