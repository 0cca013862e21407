import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, newSfs, type Sfs } from '../../helpers/cli.js';

const FIXTURE = path.join(ROOT, 'test/fixtures/copilot/generated-copilot-cli-1.0.102/dot-copilot');

function writable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) writable(p);
    else chmodSync(p, 0o644);
  }
}

/**
 * Copilot CLI 1.0.102 keeps everything in COPILOT_HOME, else ~/.copilot, whatever XDG_CONFIG_HOME
 * says (checked against the real CLI: `copilot mcp add` writes ~/.copilot/mcp-config.json with
 * XDG_CONFIG_HOME set, and ignores an mcp-config.json under $XDG_CONFIG_HOME/.copilot).
 * Capture and `sfs mcp install` must name the same directory.
 */
describe("Copilot CLI's directory with XDG_CONFIG_HOME set", () => {
  let sfs: Sfs;
  let env: Record<string, string>;
  before(() => {
    sfs = newSfs();
    const home = sfs.path('home');
    env = { HOME: home, XDG_CONFIG_HOME: sfs.path('xdg-config') };
    mkdirSync(env.XDG_CONFIG_HOME!, { recursive: true });
    cpSync(FIXTURE, path.join(home, '.copilot'), { recursive: true });
    writable(path.join(home, '.copilot'));
  });
  after(() => sfs.dispose());

  test('capture reads ~/.copilot', async () => {
    const r = await sfs.ok(['import', '--from', 'copilot'], { env });
    assert.ok(r.totals.sessionsNew >= 1, JSON.stringify(r.totals));
    const watch = await sfs.ok(['watcher', 'list'], { env });
    assert.deepEqual(watch.tools.find((t: { tool: string }) => t.tool === 'copilot').store_dirs, [path.join(env.HOME!, '.copilot')]);
  });

  test("mcp install writes ~/.copilot/mcp-config.json, the file capture's directory holds", async () => {
    const r = await sfs.ok(['mcp', 'install', '--for', 'copilot'], { env });
    const files = r.results.map((x: { file: string }) => x.file);
    assert.ok(files.includes(path.join(env.HOME!, '.copilot', 'mcp-config.json')), files.join(', '));
    assert.ok(existsSync(path.join(env.HOME!, '.copilot', 'mcp-config.json')));
    assert.ok(!existsSync(path.join(env.XDG_CONFIG_HOME!, '.copilot')), 'nothing under XDG_CONFIG_HOME');
  });
});
