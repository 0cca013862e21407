#!/usr/bin/env node
// Builds the dashboard (web/) into dist/web/: one minified script, the stylesheet, the page and
// its icon. Served by `sfs ui` (cli/ui/server.ts); nothing is fetched from elsewhere at run time.
// The shipped script has a budget (WEB_JS_BUDGET): the build fails above it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export const WEB_JS_BUDGET = 150 * 1024;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist/web');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['web/src/main.ts'],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'none',
  // Smaller stand-ins for two of markdown-it's dependencies (see the files for why).
  alias: { entities: './web/shims/entities.ts', 'linkify-it': './web/shims/linkify-it.ts' },
  metafile: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css', 'favicon.svg']) copyFileSync(path.join(root, 'web', f), path.join(out, f));
const bytes = result.metafile.outputs['dist/web/app.js']?.bytes ?? 0;
console.log(`built the dashboard into dist/web/ (app.js ${(bytes / 1024).toFixed(1)} KiB of a ${WEB_JS_BUDGET / 1024} KiB budget)`);
if (bytes > WEB_JS_BUDGET) {
  console.error(`dist/web/app.js is ${bytes} bytes, over the budget of ${WEB_JS_BUDGET}`);
  process.exit(1);
}
