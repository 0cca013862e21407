import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { SfsPaths } from '../../engine/index.js';
import { ProjectScope } from './project-scope.js';
import { StorePool } from './store-pool.js';
import { registerTools } from './tools/index.js';

const VERSION = '0.1.0';

/**
 * `sfs mcp serve`: an MCP server on stdin/stdout. stdout carries the protocol only;
 * diagnostics go to stderr. It reaches the store like any other process (as its owner
 * or through the owner), so it works with or without the daemon, several at once.
 */
export async function serveMcp(paths: SfsPaths, cwd = process.cwd()): Promise<void> {
  const server = new McpServer(
    { name: 'sessionfs', version: VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        "SessionFS holds past AI coding sessions of every tool on this machine (and the team's, when synced), plus the project's shared context, rules and knowledge. Search it before re-solving a problem; record decisions and discoveries with add_knowledge.",
    },
  );
  const pool = new StorePool(paths);
  const scope = new ProjectScope(server.server, cwd);
  registerTools(server, { pool, scope, clientName: () => server.server.getClientVersion()?.name ?? null });

  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await pool.close();
  await server.close().catch(() => undefined);
}
