import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importSpecifiers } from '../helpers/imports.js';

/**
 * The engine's two entry points (CONTRIBUTING.md, "Boundaries"): front ends (cli/, server/)
 * import `engine/index.js`, adapters import `engine/adapter-kit.js`, and nothing outside the
 * engine reaches a module behind them. `npm run check` enforces the same with oxlint's
 * no-restricted-imports; this test keeps it true in `npm test` too, and says which file broke it.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function tsFiles(relDir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(repoRoot, relDir), { withFileTypes: true })) {
    const rel = `${relDir}/${e.name}`;
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** `file: import 'spec'` for every engine import of `rel` that is not `entry`. */
export function deepEngineImports(rel: string, text: string, entry: string): string[] {
  const bad: string[] = [];
  for (const spec of importSpecifiers(text)) {
    if (!spec.startsWith('.')) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
    if (target.startsWith('engine/') && target !== `engine/${entry}`) bad.push(`${rel}: import '${spec}'`);
  }
  return bad;
}

test('front ends reach the engine only through engine/index.js, adapters only through engine/adapter-kit.js', () => {
  const bad: string[] = [];
  const scan = (dir: string, entry: string) => {
    const files = tsFiles(dir);
    assert.ok(files.length > 5, `scanned ${files.length} files in ${dir}`);
    for (const rel of files) bad.push(...deepEngineImports(rel, readFileSync(path.join(repoRoot, rel), 'utf8'), entry));
  };
  scan('cli', 'index.js');
  scan('server', 'index.js');
  scan('adapters', 'adapter-kit.js');
  assert.deepEqual(bad, [], `deep imports into the engine:\n${bad.join('\n')}`);
});

test('the check names the file and the deep import, static or dynamic', () => {
  assert.deepEqual(
    deepEngineImports(
      'cli/commands/list.ts',
      "import { Store } from '../../engine/store.js';\nimport { plural } from '../../engine/index.js';\nconst m = await import('../../engine/replication/start-sync.js');\nimport x from 'engine-lib';",
      'index.js',
    ),
    ["cli/commands/list.ts: import '../../engine/store.js'", "cli/commands/list.ts: import '../../engine/replication/start-sync.js'"],
  );
  assert.deepEqual(deepEngineImports('adapters/codex/parse.ts', "import { SfsError } from '../../engine/index.js';", 'adapter-kit.js'), [
    "adapters/codex/parse.ts: import '../../engine/index.js'",
  ]);
});
