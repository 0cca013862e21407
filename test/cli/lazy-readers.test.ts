import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// In the split CLI (dist/bin/chunks/: `sfs import --from` with other flags, `sfs doctor`, the MCP
// server…) a command that lists sources loads the adapters, not the code that parses native
// files: each adapter imports its reader on the first source that changed. Checked on the
// bundled chunks: the static-import closure of the chunk that defines the adapter list holds
// none of the readers. (The capture passes run from one file each, dist/bin/capture/, where V8
// only pre-parses the readers: cli/capture-entry.ts.)
const CHUNKS = fileURLToPath(new URL('../../bin/chunks/', import.meta.url));
const READERS = [
  'adapters/codex/parse.js',
  'adapters/codex/read.js',
  'adapters/claude-code/parse.js',
  'adapters/claude-code/read.js',
  'adapters/gemini/read-jsonl.js',
  'adapters/gemini/read-json.js',
  'adapters/copilot/read.js',
  'adapters/cursor/read-db.js',
  'adapters/amp/thread.js',
  'adapters/antigravity/parse.js',
];

/** The files a chunk loads before it runs: itself and its static imports, transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)";?$|^import\s*"(\.[^"]+)";?$/gm))
    staticClosure(join(dirname(file), m[1] ?? m[2]!), seen);
  return seen;
}

test('the adapters’ readers are not among the modules loaded with the adapter list', () => {
  const chunks = readdirSync(CHUNKS).filter((f) => f.endsWith('.js'));
  const listing = chunks.map((f) => join(CHUNKS, f)).filter((f) => readFileSync(f, 'utf8').includes('// dist/adapters/index.js\n'));
  assert.equal(listing.length, 1, 'one chunk defines the adapter list');
  const loaded = [...staticClosure(listing[0]!)].map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.ok(loaded.includes('// dist/adapters/codex/index.js\n'), 'the closure holds the adapters themselves');
  for (const r of READERS) {
    assert.ok(
      chunks.some((f) => readFileSync(join(CHUNKS, f), 'utf8').includes(`// dist/${r}\n`)),
      `${r} is bundled`,
    );
    assert.ok(!loaded.includes(`// dist/${r}\n`), `${r} is loaded only when a source changed`);
  }
});
