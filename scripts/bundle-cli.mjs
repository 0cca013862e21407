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
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist/bin');
const validators = path.join(root, 'dist/engine/schema/validators.generated.cjs');

// The engine's entry files only re-export. esbuild splits code by which entry points reach a
// file through static imports, before tree shaking: had main.js (SfsError) or `sfs list`
// imported engine/index.js itself, every engine module would count as reached from every
// command and land in one big chunk that main.js loads before it parses an argument. So an
// import from an entry file is rewritten to import each name from the module that defines it.
const BARRELS = ['dist/engine/index.js', 'dist/engine/adapter-kit.js'].map((f) => path.join(root, f));

/** name → [defining module, name there], for everything a barrel re-exports. */
async function barrelMap(barrel) {
  const map = new Map();
  const dir = path.dirname(barrel);
  const src = readFileSync(barrel, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  for (const m of src.matchAll(/export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    for (const spec of names(m[1])) map.set(spec.as, [path.resolve(dir, m[2]), spec.name]);
  }
  for (const m of src.matchAll(/export\s*\*\s*from\s*['"]([^'"]+)['"]/g)) {
    const file = path.resolve(dir, m[1]);
    for (const name of Object.keys(await import(pathToFileURL(file).href))) map.set(name, [file, name]);
  }
  if (/^\s*export\s+(?!\{|\*)/m.test(src)) throw new Error(`${barrel} defines an export itself; the barrel rewrite expects re-exports only`);
  return map;
}

function names(list) {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, as = name] = s.split(/\s+as\s+/);
      return { name: name.trim(), as: as.trim() };
    });
}

const barrels = new Map(await Promise.all(BARRELS.map(async (b) => [b, await barrelMap(b)])));
const rel = (from, to) => {
  const r = path.relative(path.dirname(from), to).split(path.sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
};

const barrelRewrite = {
  name: 'import-from-the-defining-module',
  setup(b) {
    b.onLoad({ filter: /\/dist\/(cli|server|adapters)\/.*\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const contents = src.replace(/import\s*\{([^}]*)\}\s*from\s*(['"])([^'"]+)\2;?/g, (whole, list, _q, spec) => {
        if (!spec.startsWith('.')) return whole;
        const map = barrels.get(path.resolve(path.dirname(args.path), spec));
        if (!map) return whole;
        const byFile = new Map();
        for (const { name, as } of names(list)) {
          const [file, there] = map.get(name) ?? [null, name];
          if (!file) throw new Error(`${args.path}: ${name} is not re-exported by ${spec}`);
          if (!byFile.has(file)) byFile.set(file, []);
          byFile.get(file).push(there === as ? as : `${there} as ${as}`);
        }
        return [...byFile].map(([file, specs]) => `import { ${specs.join(', ')} } from '${rel(args.path, file)}';`).join(' ');
      });
      return { contents, loader: 'js' };
    });
  },
};

// The engine's modules do nothing when imported but define things, so a module none of
// whose exports a chunk uses can be left out of it (the entry point re-exports everything).
const engineHasNoImportSideEffects = {
  name: 'engine-has-no-import-side-effects',
  setup(b) {
    b.onResolve({ filter: /\/engine\// }, async (args) => {
      if (args.pluginData?.engine) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { engine: true } });
      if (r.errors.length || !r.path.includes(`${path.sep}dist${path.sep}engine${path.sep}`)) return r;
      return { ...r, sideEffects: false };
    });
  },
};

// main.js and chunks/quick.cjs (`sfs list`, `show`, `search`: everything they use, in one file) are
// CommonJS, the rest of the CLI is ES modules. Node starts a CommonJS entry without its ES module
// loader, and a CommonJS file requires packages and Node's own modules without building an ES
// module facade for each (for node:crypto that loads WebCrypto too): ~5 ms of a ~60 ms start-up.
// dist/bin/package.json and dist/bin/chunks/package.json say which is which.
const QUICK_OUT = 'chunks/quick.cjs';
const RUN_CLI_OUT = 'chunks/run-cli.js';
// `sfs import --all` and `sfs daemon run` (cli/capture-entry.ts): one ES module file each, in a
// folder at the chunks' depth.
const CAPTURE_DIR = 'capture';
const CAPTURE_ENTRIES = ['import-entry', 'daemon-entry'];

// In CommonJS, import.meta.url is the file's own URL, as the ES module code computed it.
const importMetaUrl = {
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [path.join(root, 'scripts/import-meta-url.js')],
};

// main.ts loads its two halves with import(): quick.cjs is required instead (import() of a
// CommonJS file would start the ES module loader), run-cli.js stays an import() of the ES chunk.
const mainLoadsItsHalves = {
  name: 'main-loads-its-halves',
  setup(b) {
    b.onLoad({ filter: /\/dist\/cli\/main\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const quick = "import('./quick.js')";
      const runCli = "import('./run-cli.js')";
      const captures = CAPTURE_ENTRIES.map((e) => `import('./${e}.js')`);
      if (!src.includes(quick) || !src.includes(runCli) || captures.some((c) => !src.includes(c)))
        throw new Error(`${args.path}: expected ${[quick, runCli, ...captures].join(', ')}`);
      let contents = src.replace(quick, `Promise.resolve(require('./${QUICK_OUT}'))`).replace(runCli, `import('./${RUN_CLI_OUT}')`);
      for (const e of CAPTURE_ENTRIES) contents = contents.replace(`import('./${e}.js')`, `import('./${CAPTURE_DIR}/${e}.js')`);
      return {
        contents,
        loader: 'js',
      };
    });
    b.onResolve({ filter: /^\.\/(chunks|capture)\// }, (args) => ({ path: args.path, external: true }));
  },
};

// In chunks/quick.cjs these of Node's modules load on first use: `sfs list` needs none of them
// (the log's socket, hashing, compressed message bodies), and each loads more (node:stream).
// The stand-in's exports are getters, so esbuild's import wrappers read them only when called.
const LAZY_BUILTINS = ['node:crypto', 'node:module', 'node:net', 'node:os', 'node:zlib'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const names = Object.keys(await import(args.path)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      const getters = names.map((n) => `  get ${n}() { return load().${n}; },`).join('\n');
      return {
        contents: `let m;\nconst load = () => (m ??= require(${JSON.stringify(args.path)}));\nmodule.exports = {\n${getters}\n};\n`,
        loader: 'js',
        resolveDir: root,
      };
    });
  },
};

// better-sqlite3's JavaScript is 14 small files, and loading them is the largest part of
// `sfs list` after Node's own start-up. chunks/quick.cjs carries a copy, used only when the
// installed better-sqlite3 is the version it was copied from and its addon is where
// engine/projections/sqlite-addon.ts names it (so the copy never looks for it itself);
// otherwise the installed package is required as usual.
const SQLITE_PKG = path.dirname(createRequire(path.join(root, 'package.json')).resolve('better-sqlite3/package.json'));
const SQLITE_VERSION = JSON.parse(readFileSync(path.join(SQLITE_PKG, 'package.json'), 'utf8')).version;
const sqliteCopy = {
  name: 'better-sqlite3-copy',
  setup(b) {
    b.onResolve({ filter: /^better-sqlite3$/ }, (args) =>
      args.namespace === 'sqlite-copy' ? { path: 'better-sqlite3', external: true } : { path: 'better-sqlite3', namespace: 'sqlite-copy' },
    );
    b.onResolve({ filter: /^better-sqlite3-copy$/ }, () => ({ path: path.join(SQLITE_PKG, 'lib/index.js') }));
    // db.ts requires better-sqlite3 on the first open through createRequire, which esbuild does not
    // follow: as a plain require it reaches the copy, still on the first open (esbuild's CommonJS
    // wrappers run when first required).
    b.onLoad({ filter: /\/dist\/engine\/projections\/db\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const lazy = "createRequire(import.meta.url)('better-sqlite3')";
      if (!src.includes(lazy)) throw new Error(`${args.path}: expected ${lazy}`);
      return { contents: src.replace(lazy, "require('better-sqlite3')"), loader: 'js' };
    });
    b.onLoad({ filter: /.*/, namespace: 'sqlite-copy' }, () => ({
      contents: `const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
function sameVersion() {
  try {
    const dir = join(dirname(require.resolve('better-sqlite3')), '..');
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return version === ${JSON.stringify(SQLITE_VERSION)} && existsSync(join(dir, 'build', 'Release', 'better_sqlite3.node'));
  } catch {
    return false;
  }
}
module.exports = sameVersion() ? require('better-sqlite3-copy') : require('better-sqlite3');
`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external', // npm packages (native addons among them) load from node_modules as usual (but see sqliteCopy)
  logLevel: 'warning',
  metafile: true,
};

rmSync(out, { recursive: true, force: true });
// The whole CLI, split by command along its lazy imports.
const result = await build({
  ...common,
  format: 'esm',
  entryPoints: { [RUN_CLI_OUT.replace(/\.js$/, '')]: 'dist/cli/run-cli.js' },
  outdir: out,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [barrelRewrite, engineHasNoImportSideEffects],
});
const main = await build({
  ...common,
  ...importMetaUrl,
  format: 'cjs',
  entryPoints: ['dist/cli/main.js'],
  outfile: path.join(out, 'main.js'),
  plugins: [mainLoadsItsHalves],
});
// Its own copy of the modules it uses: main.js loads it or the split CLI, never both in one run
// (an unusual invocation it declines is handed to the CLI before it touches the store).
const quick = await build({
  ...common,
  ...importMetaUrl,
  format: 'cjs',
  entryPoints: ['dist/cli/quick.js'],
  outfile: path.join(out, QUICK_OUT),
  plugins: [barrelRewrite, engineHasNoImportSideEffects, lazyBuiltins, sqliteCopy],
});
// Each its own copy too: main.js loads one of them or the split CLI, never two in one run.
const capture = await build({
  ...common,
  format: 'esm',
  entryPoints: Object.fromEntries(CAPTURE_ENTRIES.map((e) => [`${CAPTURE_DIR}/${e}`, `dist/cli/${e}.js`])),
  outdir: out,
  plugins: [barrelRewrite, engineHasNoImportSideEffects],
});
for (const r of [main, quick, capture]) for (const [file, o] of Object.entries(r.metafile.outputs)) result.metafile.outputs[file] = o;
writeFileSync(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');
for (const dir of ['chunks', CAPTURE_DIR]) {
  writeFileSync(path.join(out, dir, 'package.json'), '{ "type": "module" }\n');
  // The validators are loaded beside the module that needs them (createRequire(import.meta.url)).
  if (existsSync(validators)) copyFileSync(validators, path.join(out, dir, path.basename(validators)));
}
const files = Object.keys(result.metafile.outputs).length;
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundled the CLI into ${files} files (${(bytes / 1024).toFixed(0)} KiB) in dist/bin/`);
