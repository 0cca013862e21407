import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { newSfs } from '../../helpers/cli.js';

/**
 * The real clients list (and health-check) our installed server. Their CLIs are not
 * dependencies of SessionFS: point SFS_TEST_CLAUDE / SFS_TEST_CODEX at a binary, or have
 * `claude` / `codex` on PATH; otherwise the check is skipped and says why.
 */
function find(envVar: string, name: string): string | null {
  if (process.env[envVar]) return process.env[envVar]!;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const claude = find('SFS_TEST_CLAUDE', 'claude');
const codex = find('SFS_TEST_CODEX', 'codex');

test('claude mcp list shows the server `sfs mcp install --for claude-code` registered, connected', { skip: claude ? false : 'no claude CLI (set SFS_TEST_CLAUDE)' }, async () => {
  const sfs = newSfs();
  try {
    const home = sfs.path('home');
    mkdirSync(home);
    await sfs.ok(['mcp', 'install', '--for', 'claude-code'], { env: { HOME: home } });
    const out = execFileSync(claude!, ['mcp', 'list'], { env: { ...process.env, HOME: home, SFS_HOME: sfs.home, CLAUDE_CONFIG_DIR: undefined }, encoding: 'utf8', timeout: 90_000 });
    assert.match(out, /sessionfs: .*main\.js mcp serve - ✔ Connected/);
  } finally {
    sfs.dispose();
  }
});

test('codex mcp list shows the server `sfs mcp install --for codex` registered', { skip: codex ? false : 'no codex CLI (set SFS_TEST_CODEX)' }, async () => {
  const sfs = newSfs();
  try {
    const home = sfs.path('home');
    mkdirSync(home);
    await sfs.ok(['mcp', 'install', '--for', 'codex'], { env: { HOME: home, CODEX_HOME: undefined } });
    const out = execFileSync(codex!, ['mcp', 'list'], { env: { ...process.env, HOME: home, CODEX_HOME: path.join(home, '.codex') }, encoding: 'utf8', timeout: 90_000 });
    assert.match(out, /sessionfs/);
    assert.match(out, /mcp serve/);
  } finally {
    sfs.dispose();
  }
});
