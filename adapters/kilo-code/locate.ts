import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { globalStorageDirs } from '../cline-family/vscode-hosts.js';
import type { OpenCodeApp } from '../opencode-family/app.js';

/** The Kilo CLI (`@kilocode/cli`, an OpenCode fork): `${XDG_DATA_HOME:-~/.local/share}/kilo/kilo.db`, `KILO_DB`. */
export const KILO_CLI: OpenCodeApp = { tool: 'kilo-code', name: 'kilo', dbEnv: 'KILO_DB', displayName: 'Kilo CLI' };

/** Marketplace id `kilocode.Kilo-Code`; VS Code lower-cases it on disk, some setups keep the mixed case. */
export const KILO_EXTENSION_IDS = ['kilocode.kilo-code', 'kilocode.Kilo-Code'];

export function kiloTaskRoots(env: AdapterEnv): string[] {
  const lower = globalStorageDirs(env, KILO_EXTENSION_IDS[0]!);
  // globalStorageDirs lower-cases ids, so build the mixed-case variant by swapping the last segment.
  const mixed = lower.map((d) => d.slice(0, d.length - KILO_EXTENSION_IDS[0]!.length) + KILO_EXTENSION_IDS[1]!);
  return env.platform === 'linux' ? [...lower, ...mixed] : lower; // case-insensitive file systems need only one
}
