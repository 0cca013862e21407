/**
 * JSON Schema fragments the route plugins share. Fastify validates bodies, params and query strings with
 * them before the handler runs (type coercion is off: a number is not a string); the relay's error handler
 * turns a failed validation into `{error: {code: 'INVALID', message}}` with status 400. Formats a module
 * explains in its own words (usernames, team names, expiry) stay checked there, so users keep those messages.
 */
export const SESSION_ID = { type: 'string', pattern: '^ses_[a-z0-9]{8,40}$' } as const;
/** A name or id in a path or a field: a space (name or spc_ id), a username, a token/invitation/handoff id. */
export const NAME = { type: 'string', minLength: 1, maxLength: 128 } as const;
export const ROLE = { type: 'string', enum: ['admin', 'member'] } as const;
export const POLICY = { type: 'string', enum: ['warn', 'redact', 'block'] } as const;
export const TOKEN_NAME = { type: 'string', maxLength: 512 } as const;

/** An object schema whose listed properties are all required, nothing else allowed. */
export function object(props: Record<string, object>, required: string[] = Object.keys(props)) {
  return { type: 'object', properties: props, required, additionalProperties: false } as const;
}
