#!/usr/bin/env node
// Runs the given test files (their .ts paths under test/ or their compiled paths) after an
// incremental compile, without wiping dist/ or rebuilding the schema validators:
//   npm run test:one -- test/engine/log/local-log.test.ts [more…] [-- node --test flags]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
if (!files.length) {
  console.error('usage: npm run test:one -- test/path/to/file.test.ts [...]');
  process.exit(2);
}
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
if (!existsSync('dist/engine/schema/validators.generated.cjs')) spawnSync(process.execPath, ['dist/engine/schema/build-validators.js'], { stdio: 'inherit' });
// The CLI tests spawn the bundle that ships (dist/bin/main.js): bundle again, it takes a moment.
const bundle = spawnSync(process.execPath, ['scripts/bundle-cli.mjs'], { stdio: 'inherit' });
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
// The dashboard tests serve the built web application (dist/web/).
const web = spawnSync(process.execPath, ['scripts/bundle-web.mjs'], { stdio: 'inherit' });
if (web.status !== 0) process.exit(web.status ?? 1);
const compiled = files.map((f) => (f.startsWith('dist/') ? f : 'dist/' + f.replace(/\.ts$/, '.js')));
const missing = compiled.filter((f) => !existsSync(f));
if (missing.length) {
  console.error(`no compiled test at ${missing.join(', ')}`);
  process.exit(2);
}
const run = spawnSync(process.execPath, ['--test', ...flags, ...compiled], { stdio: 'inherit' });
process.exit(run.status ?? 1);
