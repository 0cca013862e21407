import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

/**
 * The one Ajv set-up for `schemas/`: used to compile validators at run time, and at build
 * time to write them out as code (build-validators.ts) so a process does not pay ~90 ms
 * of Ajv start-up on its first write.
 */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas');
const SUBDIRS = ['sfs', 'events'];

export interface AjvLike {
  getSchema(id: string): ValidateFunction | undefined;
}

/** The schema files as [id path, text], in a fixed order. */
export function schemaFiles(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const sub of SUBDIRS) {
    for (const file of readdirSync(join(SCHEMAS_DIR, sub)).sort()) {
      if (file.endsWith('.schema.json')) out.push([`${sub}/${file}`, readFileSync(join(SCHEMAS_DIR, sub, file), 'utf8')]);
    }
  }
  return out;
}

/** Fingerprint of every schema file: precompiled validators are used only when it matches. */
export function schemaDigest(files = schemaFiles()): string {
  const h = createHash('sha256');
  for (const [id, text] of files) h.update(id).update('\0').update(text).update('\0');
  return h.digest('hex');
}

/** A fresh Ajv holding every schema; `forCode` keeps the source needed to write validators out. */
export function createAjv(forCode = false, files = schemaFiles()): AjvLike & { schemaIds: string[] } {
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020.js');
  const addFormats = require('ajv-formats').default ?? require('ajv-formats');
  const code = forCode ? { source: true, formats: Ajv2020._`require("ajv-formats/dist/formats").fullFormats` } : undefined;
  const instance = new Ajv2020.default({ allErrors: false, strict: false, ...(code ? { code } : {}) });
  addFormats(instance, ['date-time']);
  const schemaIds: string[] = [];
  for (const [, text] of files) {
    const schema = JSON.parse(text) as { $id: string };
    instance.addSchema(schema);
    schemaIds.push(schema.$id);
  }
  return Object.assign(instance, { schemaIds });
}
