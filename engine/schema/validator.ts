import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import { SfsError } from '../errors.js';
import { createAjv, schemaDigest, type AjvLike } from './ajv-instance.js';

/**
 * JSON Schema validation for event bodies and .sfs files. `schemas/` is the single
 * source of truth. Validators come from the code the build wrote (build-validators.ts)
 * when it was built from the same schemas, otherwise they are compiled by Ajv on first
 * use; either way read-only commands never load them.
 */
export { SCHEMAS_DIR } from './ajv-instance.js';

let validators: AjvLike | undefined;

function load(): AjvLike {
  if (validators) return validators;
  try {
    const mod = createRequire(import.meta.url)('./validators.generated.cjs') as Record<string, unknown>;
    if (mod.__schemaDigest === schemaDigest()) {
      validators = { getSchema: (id) => mod[id] as ReturnType<AjvLike['getSchema']> };
      return validators;
    }
  } catch {
    // not built (or built from other schemas): compile below
  }
  validators = createAjv();
  return validators;
}

export type SchemaId =
  'sfs/manifest.schema.json' | 'sfs/message.schema.json' | 'sfs/workspace.schema.json' | 'sfs/tools.schema.json' | `events/${string}.schema.json`;

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
