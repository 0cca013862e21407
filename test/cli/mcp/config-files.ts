import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import type { ServerSpec } from '../../../cli/mcp/install/targets.js';

/** Shared by the installer tests: the server entry they install, and small file helpers. */
export const SPEC: ServerSpec = { command: '/opt/node/bin/node', args: ['/opt/sessionfs/dist/bin/main.js', 'mcp', 'serve'], env: { SFS_HOME: '/data/sfs' } };

/** Writes `text` to `file`, creating its folders; returns the path. */
export function put(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

export const read = (f: string) => readFileSync(f, 'utf8');
export const json = (f: string) => parseJsonc(read(f)) as Record<string, any>;
