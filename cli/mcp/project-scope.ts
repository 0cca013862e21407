import { fileURLToPath } from 'node:url';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { projectFromArg, projectOf, type Project } from '../../engine/index.js';

/**
 * Which project the client is working in: its first workspace root (MCP `roots`), else
 * the server's working directory (clients start servers in the workspace). Roots are
 * asked for once and again when the client says they changed.
 */
export class ProjectScope {
  private fromRoots: Promise<Project | null> | null = null;

  constructor(
    private readonly server: Server,
    private readonly cwd: string,
  ) {
    server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
      this.fromRoots = null;
    });
  }

  async current(): Promise<Project> {
    const p = await (this.fromRoots ??= this.askRoots());
    return p ?? projectOf(this.cwd);
  }

  /** `undefined` → the current project; anything else names one (a directory or a key). */
  async resolve(arg: string | undefined): Promise<Project> {
    if (!arg || arg === 'current') return this.current();
    return projectFromArg(arg, (await this.current()).root || this.cwd);
  }

  private async askRoots(): Promise<Project | null> {
    if (!this.server.getClientCapabilities()?.roots) return null;
    try {
      const { roots } = await this.server.listRoots(undefined, { timeout: 3000 });
      const first = roots.find((r) => r.uri.startsWith('file://'));
      return first ? projectOf(fileURLToPath(first.uri)) : null;
    } catch {
      return null; // a client that declares roots but does not answer: fall back to cwd
    }
  }
}
