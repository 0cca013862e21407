import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SfsError } from '../errors.js';

/**
 * JSON Schema validation for event bodies and .sfs files. `schemas/` is the single
 * source of truth; validators are compiled on first use so read-only commands never
 * pay for Ajv.
 */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas');

type AjvInstance = { getSchema(id: string): ValidateFunction | undefined };
let ajv: AjvInstance | undefined;

function load(): AjvInstance {
  if (ajv) return ajv;
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020.js').default;
  const addFormats = require('ajv-formats').default ?? require('ajv-formats');
  const instance = new Ajv2020({ allErrors: false, strict: false });
  addFormats(instance, ['date-time']);
  for (const sub of ['sfs', 'events']) {
    for (const file of readdirSync(join(SCHEMAS_DIR, sub))) {
      if (file.endsWith('.schema.json')) instance.addSchema(JSON.parse(readFileSync(join(SCHEMAS_DIR, sub, file), 'utf8')));
    }
  }
  ajv = instance;
  return instance;
}

export type SchemaId =
  | 'sfs/manifest.schema.json'
  | 'sfs/message.schema.json'
  | 'sfs/workspace.schema.json'
  | 'sfs/tools.schema.json'
  | `events/${string}.schema.json`;

function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'invalid';
  const where = e.instancePath || '(root)';
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Returns null when valid, otherwise a one-line description of the first problem. */
export function check(schema: SchemaId, value: unknown): string | null {
  const validate = load().getSchema(schema);
  if (!validate) throw new SfsError('INTERNAL', `no schema ${schema}`);
  return validate(value) ? null : describe(validate.errors);
}

/** Throws INVALID_INPUT naming `where` (a file, an event) and the problem. */
export function assertValid(schema: SchemaId, value: unknown, where: string): void {
  const problem = check(schema, value);
  if (problem) throw new SfsError('INVALID_INPUT', `${where}: ${problem}`, { schema });
}

export function eventSchema(type: string): SchemaId {
  return `events/${type}.schema.json`;
}
