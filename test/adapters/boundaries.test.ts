import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importSpecifiers } from '../helpers/imports.js';

/**
 * The adapter kit's rule (docs/design.md §2, CONTRIBUTING.md "Adding a tool"):
 * - `adapters/<tool>/` imports only its own folder, `adapters/shared/`, the engine, node
 *   builtins and npm packages; the three tools of the Cline family (cline, roo-code,
 *   kilo-code) may also import the family folder `adapters/cline-family/`, and the OpenCode
 *   family (opencode, kilo-code's CLI store) `adapters/opencode-family/`.
 * - `adapters/shared/` imports no tool's or family's folder; `adapters/cline-family/` imports
 *   no tool's folder. Only the registries `adapters/index.ts` and `adapters/writers.ts` list tools.
 * - `test/adapters/<tool>/` follows the same rule, with `test/adapters/shared/` (and
 *   `test/adapters/cline-family/` for the family) as its helpers: no tool's test imports
 *   another tool's code or helpers. The cross-tool suites (conformance, writers) are exempt.
 */

/** Family folders: shared code of several tools, importable by those tools only. */
export const FAMILIES: Record<string, readonly string[]> = {
  'cline-family': ['cline', 'roo-code', 'kilo-code'],
  'opencode-family': ['opencode', 'kilo-code'],
};
/** Folders under test/adapters/ that test every adapter through the registries. */
const CROSS_TOOL_SUITES = new Set(['conformance', 'writers']);

export interface SourceFile {
  /** Repository-relative, `/`-separated. */
  rel: string;
  text: string;
}

/** `[area, folder]` of a repository path: area `adapters` or `test/adapters`, folder its first level (null for files at the top). */
function placeOf(rel: string): { area: 'adapters' | 'test/adapters'; folder: string | null } | null {
  const parts = rel.split('/');
  if (parts[0] === 'adapters') return { area: 'adapters', folder: parts.length > 2 ? parts[1]! : null };
  if (parts[0] === 'test' && parts[1] === 'adapters') return { area: 'test/adapters', folder: parts.length > 3 ? parts[2]! : null };
  return null;
}

/** Folders a file in `folder` may reach (in adapters/ and in test/adapters/ alike). */
function allowedFolders(folder: string): Set<string> {
  if (folder === 'shared') return new Set(['shared']);
  const allowed = new Set([folder, 'shared']);
  for (const [family, members] of Object.entries(FAMILIES)) if (members.includes(folder)) allowed.add(family);
  return allowed;
}

/** Every import of `files` that breaks the rule, as `file: import 'specifier' (why)`. */
export function boundaryViolations(files: SourceFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const from = placeOf(f.rel);
    if (!from || from.folder === null) continue; // the registries and the top-level suites
    if (from.area === 'test/adapters' && CROSS_TOOL_SUITES.has(from.folder)) continue;
    const allowed = allowedFolders(from.folder);
    for (const spec of importSpecifiers(f.text)) {
      if (!spec.startsWith('.')) continue; // node builtins and npm packages
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.rel), spec));
      const to = placeOf(target);
      if (!to) continue; // the engine, test/helpers, bench…
      if (to.folder === null) {
        out.push(`${f.rel}: import '${spec}' (${target} is a registry; only the front ends import it)`);
        continue;
      }
      if (to.area === 'test/adapters' && CROSS_TOOL_SUITES.has(to.folder) && from.area === 'test/adapters') continue; // a suite's shared fixtures
      if (!allowed.has(to.folder))
        out.push(
          `${f.rel}: import '${spec}' (reaches ${to.area}/${to.folder}/; ${from.area}/${from.folder}/ may import only ${[...allowed].map((a) => `${to.area}/${a}/`).join(', ')}, the engine, node builtins and npm packages)`,
        );
    }
  }
  return out;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function tsFiles(relDir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const e of readdirSync(path.join(repoRoot, relDir), { withFileTypes: true })) {
    const rel = `${relDir}/${e.name}`;
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts')) out.push({ rel, text: readFileSync(path.join(repoRoot, rel), 'utf8') });
  }
  return out;
}

test('no adapter, and no adapter test, imports another tool’s folder', () => {
  const files = [...tsFiles('adapters'), ...tsFiles('test/adapters')];
  assert.ok(files.length > 50, `scanned ${files.length} files`);
  const bad = boundaryViolations(files);
  assert.deepEqual(bad, [], `imports across adapter boundaries:\n${bad.join('\n')}`);
});

test('the check names the file and the import it refuses', () => {
  const files: SourceFile[] = [
    {
      rel: 'adapters/codex/parse.ts',
      text: "import { isObj } from '../claude-code/values.js';\nimport { str } from '../shared/values.js';\nimport path from 'node:path';\nimport { Store } from '../../engine/store.js';",
    },
    {
      rel: 'adapters/cursor/index.ts',
      text: "import {\n  openReadOnly,\n  type OpenDb,\n} from '../kilo-code/cli-store.js';\nconst m = await import('../amp/index.js');",
    },
    { rel: 'adapters/kilo-code/index.ts', text: "import { makeClineFamilyAdapter } from '../cline-family/make-adapter.js';" },
    { rel: 'adapters/gemini/index.ts', text: "export { readJsonFile } from '../cline-family/json-file.js';" },
    { rel: 'adapters/shared/values.ts', text: "import type { X } from '../codex/items.js';" },
    { rel: 'adapters/cline-family/finish.ts', text: "import { adapter } from '../cline/index.js';" },
    { rel: 'adapters/amp/thread.ts', text: "import { ADAPTERS } from '../index.js';" },
    {
      rel: 'test/adapters/cursor/cursor.test.ts',
      text: "import { walk } from '../claude-code/helpers.js';\nimport { fixtures } from '../shared/helpers.js';\nimport { x } from '../../../adapters/codex/items.js';\nimport { adapter } from '../../../adapters/cursor/index.js';",
    },
    { rel: 'test/adapters/roo-code/roo-code.test.ts', text: "import { sampleTask } from '../cline-family/helpers.js';" },
    { rel: 'test/adapters/conformance/corpus.ts', text: "import { sampleTask } from '../cline-family/helpers.js';" },
  ];
  const bad = boundaryViolations(files);
  const named = bad.map((b) => b.slice(0, b.indexOf(' (')));
  assert.deepEqual(named, [
    "adapters/codex/parse.ts: import '../claude-code/values.js'",
    "adapters/cursor/index.ts: import '../kilo-code/cli-store.js'",
    "adapters/cursor/index.ts: import '../amp/index.js'",
    "adapters/gemini/index.ts: import '../cline-family/json-file.js'",
    "adapters/shared/values.ts: import '../codex/items.js'",
    "adapters/cline-family/finish.ts: import '../cline/index.js'",
    "adapters/amp/thread.ts: import '../index.js'",
    "test/adapters/cursor/cursor.test.ts: import '../claude-code/helpers.js'",
    "test/adapters/cursor/cursor.test.ts: import '../../../adapters/codex/items.js'",
  ]);
});
