import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toSfsError } from '../../../engine/index.js';
import type { ToolDefinition, ToolDeps } from './definition.js';
import { KNOWLEDGE_TOOLS } from './knowledge.js';
import { SESSION_TOOLS } from './sessions.js';

export type { ToolDeps } from './definition.js';

/** Every tool the server offers, by area. */
export const TOOLS: readonly ToolDefinition[] = [...SESSION_TOOLS, ...KNOWLEDGE_TOOLS] as readonly ToolDefinition[];

/**
 * Registers the table. Every call runs against the caught-up projections; it answers with
 * text and with `structuredContent` matching the tool's output schema. Every failure is a
 * tool result with `isError` and a one-line message (with the stable error code), never a
 * protocol error, so the calling agent can read it and try again.
 */
export function registerTools(server: McpServer, deps: ToolDeps, tools: readonly ToolDefinition[] = TOOLS): void {
  for (const t of tools) {
    server.registerTool(
      t.name,
      { title: t.title, description: t.description, inputSchema: t.input, outputSchema: t.output, ...(t.annotations ? { annotations: t.annotations } : {}) },
      async (args: Record<string, unknown>): Promise<CallToolResult> => {
        try {
          const result = await deps.pool.use(async (store) => t.handler(args as never, { store, db: await store.view(), deps }));
          const text = t.text ? t.text(result) : JSON.stringify(result, null, 2);
          return { content: [{ type: 'text', text }], structuredContent: result as Record<string, unknown> };
        } catch (err) {
          const e = toSfsError(err);
          return { isError: true, content: [{ type: 'text', text: `${e.message} [${e.code}]` }] };
        }
      },
    );
  }
}
