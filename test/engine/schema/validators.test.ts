import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAjv, schemaDigest, schemaFiles } from '../../../engine/schema/ajv-instance.js';
import { buildValidators } from '../../../engine/schema/build-validators.js';
import { check } from '../../../engine/schema/validator.js';
import { EXAMPLES } from '../../helpers/cli.js';

/** Real documents (the spec examples' messages and manifests) plus broken copies of them. */
function samples(): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const dir of readdirSync(EXAMPLES)) {
    const root = path.join(EXAMPLES, dir);
    out.push(['sfs/manifest.schema.json', JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'))]);
    for (const line of readFileSync(path.join(root, 'messages.jsonl'), 'utf8').split('\n').filter(Boolean)) {
      const m = JSON.parse(line);
      out.push(['sfs/message.schema.json', m], ['events/messages.captured.schema.json', { messages: [m] }]);
      out.push(['sfs/message.schema.json', { ...m, role: 'narrator' }], ['sfs/message.schema.json', { ...m, timestamp: 'yesterday' }]);
      out.push(['events/messages.captured.schema.json', { messages: [m], extra: 1 }], ['events/messages.captured.schema.json', { messages: [] }]);
    }
  }
  out.push(['events/session.meta.schema.json', { alias: 'x' }], ['events/session.meta.schema.json', { alias: 5 }]);
  return out;
}

test('the validators the build writes out give the same verdicts and errors as Ajv compiling the schemas', (t) => {
  // Beside this test (inside the project) so the generated code resolves ajv from node_modules.
  const file = buildValidators(path.join(path.dirname(fileURLToPath(import.meta.url)), `validators-${process.pid}.generated.cjs`));
  t.after(() => rmSync(file, { force: true }));
  const generated = createRequire(import.meta.url)(file) as Record<string, ((v: unknown) => boolean) & { errors?: unknown }>;
  assert.equal(generated.__schemaDigest as unknown, schemaDigest());
  const runtime = createAjv();
  for (const id of runtime.schemaIds) assert.equal(typeof generated[id], 'function', `no generated validator for ${id}`);
  let valid = 0;
  let invalid = 0;
  for (const [id, value] of samples()) {
    const a = runtime.getSchema(id)!;
    const b = generated[id]!;
    const ok = a(value);
    assert.equal(b(value), ok, `${id}: ${JSON.stringify(value).slice(0, 200)}`);
    assert.deepEqual(b.errors ?? null, a.errors ?? null);
    if (ok) valid++;
    else invalid++;
  }
  assert.ok(valid > 10 && invalid > 10, `${valid} valid / ${invalid} invalid samples`);
});

test('the schema digest follows every schema file, so stale generated validators are not used', () => {
  const files = schemaFiles();
  const changed = files.map(([id, text], i): [string, string] => [id, i === files.length - 1 ? text.replace('"type"', '"type" ') : text]);
  assert.notEqual(schemaDigest(changed), schemaDigest(files));
  // And the validator in use answers like Ajv does.
  assert.equal(check('events/session.meta.schema.json', { alias: 'x' }), null);
  assert.match(check('events/session.meta.schema.json', { alias: 5 }) ?? '', /alias/);
});
