import type { OpenCodeApp } from '../opencode-family/app.js';

/** OpenCode (`opencode-ai`): `${XDG_DATA_HOME:-~/.local/share}/opencode/opencode.db`, `OPENCODE_DB`. */
export const OPENCODE: OpenCodeApp = { tool: 'opencode', name: 'opencode', dbEnv: 'OPENCODE_DB', displayName: 'OpenCode' };
