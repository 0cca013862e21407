import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validator = ((...args: unknown[]) => unknown) & { errors?: unknown };
type BuildValidator = (externalSchemas: unknown, options: unknown) => (route: unknown) => Validator;

/**
 * Fastify's own validator factory (@fastify/ajv-compiler, with the options fastify passes it), but each
 * route's schema is compiled by Ajv on the route's first request instead of at start-up. Compiling the
 * relay's ~30 route schemas up front was the largest part of its start after the database (~1.3 s of
 * a 14 s start on a loaded machine); validation itself, its options and its messages are unchanged.
 */
export function lazyValidation(): NonNullable<FastifyServerOptions['schemaController']> {
  const build = AjvCompiler() as unknown as BuildValidator;
  const buildValidator: BuildValidator = (externalSchemas, options) => {
    let compile: ((route: unknown) => Validator) | undefined;
    return (route) => {
      let fn: Validator | undefined;
      const validate: Validator = function (this: unknown, ...args: unknown[]) {
        fn ??= (compile ??= build(externalSchemas, options))(route);
        const ok = fn.apply(this, args);
        validate.errors = fn.errors; // fastify reads the errors off the function it called
        return ok;
      };
      return validate;
    };
  };
  return { compilersFactory: { buildValidator: buildValidator as never } };
}
