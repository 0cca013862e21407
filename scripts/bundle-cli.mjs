#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js) into dist/bin/: one entry and a few chunks,
// split along the commands' lazy imports. `sfs` starts faster when Node resolves and reads a
// handful of files instead of ~150, and front ends can import the engine through its one
// entry point (engine/index.ts) without loading all of it: unused exports are dropped here.
//
// Layout matters: dist/bin/main.js and dist/bin/chunks/ sit at the same depths as
// dist/cli/main.js and dist/cli/<dir>/, so the paths code computes from import.meta.url
// (package.json, ../main.js for the daemon and the MCP server, the schemas folder) hold in both.
import { build } from 'esbuild';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist/bin');
const validators = path.join(root, 'dist/engine/schema/validators.generated.cjs');

rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external', // npm packages (native addons among them) load from node_modules as usual
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  metafile: true,
  plugins: [
    {
      // The engine's modules do nothing when imported but define things, so a module none of
      // whose exports a chunk uses can be left out of it (the entry point re-exports everything).
      name: 'engine-has-no-import-side-effects',
      setup(b) {
        b.onResolve({ filter: /\/engine\// }, async (args) => {
          if (args.pluginData?.engine) return undefined;
          const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { engine: true } });
          if (r.errors.length || !r.path.includes(`${path.sep}dist${path.sep}engine${path.sep}`)) return r;
          return { ...r, sideEffects: false };
        });
      },
    },
  ],
});
// The validators are loaded beside the module that needs them (createRequire(import.meta.url)).
if (existsSync(validators)) copyFileSync(validators, path.join(out, 'chunks', path.basename(validators)));
const files = Object.keys(result.metafile.outputs).length;
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundled the CLI into ${files} files (${(bytes / 1024).toFixed(0)} KiB) in dist/bin/`);
