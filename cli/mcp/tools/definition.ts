import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z, type ZodRawShape } from 'zod';
import { type Project, type ProjectionDb, projectSessionIds, type Store } from '../../../engine/index.js';
import type { ProjectScope } from '../project-scope.js';
import type { StorePool } from '../store-pool.js';

/** What every tool handler may use: the server's store pool, project scope and client. */
export interface ToolDeps {
  pool: StorePool;
  scope: ProjectScope;
  /** The client's name, recorded as the author of knowledge it adds. */
  clientName: () => string | null;
}

/** One call's context: the store and its caught-up projections. */
export interface ToolContext {
  store: Store;
  db: ProjectionDb;
  deps: ToolDeps;
}

/**
 * One MCP tool: its name, what the model is told, the shapes of its input and of its
 * result (`structuredContent`, checked against `output` by the SDK), and the handler.
 * A new tool is one of these in the file of its area, listed in index.ts.
 */
export interface ToolDefinition<I extends ZodRawShape = ZodRawShape, O extends ZodRawShape = ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations?: ToolAnnotations;
  /** The text the model reads beside the structured result; pretty JSON of the result unless given. */
  text?: (result: z.infer<z.ZodObject<O>>) => string;
  handler: (args: z.infer<z.ZodObject<I>>, ctx: ToolContext) => Promise<z.infer<z.ZodObject<O>>> | z.infer<z.ZodObject<O>>;
}

/** Keeps the input and output types of a definition tied together at the definition site. */
export function defineTool<I extends ZodRawShape, O extends ZodRawShape>(d: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return d;
}

// Arguments several tools share.
export const sessionIdArg = z.string().min(1).describe('session id, alias, or an id prefix of at least 4 characters');
export const projectForSessionsArg = z
  .string()
  .optional()
  .describe('"current" for the workspace\'s project, a directory, or a key like github.com/acme/app; omit to search every project');
export const projectForKnowledgeArg = z.string().optional().describe("a directory or a key like github.com/acme/app; omit for the workspace's project");
export const dateArg = (what: string) => z.string().optional().describe(`${what}: an ISO date/time, or an age like 12h, 7d, 2w`);

/**
 * Result items are described by their main fields; further fields pass through at run time.
 * Typed as a plain object so the engine's interfaces (no index signature) fit it.
 */
export const looseItem = <S extends ZodRawShape>(shape: S): z.ZodObject<S> => z.looseObject(shape) as unknown as z.ZodObject<S>;

/** The session ids a `project` argument limits to, or undefined for every project. */
export async function sessionFilter(ctx: ToolContext, project: string | undefined): Promise<{ ids?: string[]; project?: Project }> {
  if (!project) return {};
  const p = await ctx.deps.scope.resolve(project);
  return { ids: projectSessionIds(ctx.db, p), project: p };
}
