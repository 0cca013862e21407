import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAjv, schemaDigest, schemaFiles } from './ajv-instance.js';

/**
 * Build step (`npm run build`): writes every schema's validator as code to
 * `validators.generated.cjs` beside the compiled validator, with the digest of the schemas
 * it came from. validator.ts loads it when the digest still matches `schemas/`.
 */
export const GENERATED_FILE = 'validators.generated.cjs';

export function buildValidators(outFile = join(dirname(fileURLToPath(import.meta.url)), GENERATED_FILE)): string {
  const files = schemaFiles();
  const ajv = createAjv(true, files);
  const require = createRequire(import.meta.url);
  const standaloneCode = require('ajv/dist/standalone/index.js').default as (ajv: unknown, refs: Record<string, string>) => string;
  const code = standaloneCode(ajv, Object.fromEntries(ajv.schemaIds.map((id) => [id, id])));
  writeFileSync(outFile, `${code}\nexports.__schemaDigest = ${JSON.stringify(schemaDigest(files))};\n`);
  return outFile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`validators written to ${buildValidators()}\n`);
}
