import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { globalStorageDirs } from '../cline-family/vscode-hosts.js';

/** Marketplace id `kilocode.Kilo-Code`; VS Code lower-cases it on disk, some setups keep the mixed case. */
export const KILO_EXTENSION_IDS = ['kilocode.kilo-code', 'kilocode.Kilo-Code'];

export function kiloTaskRoots(env: AdapterEnv): string[] {
  const lower = globalStorageDirs(env, KILO_EXTENSION_IDS[0]!);
  // globalStorageDirs lower-cases ids, so build the mixed-case variant by swapping the last segment.
  const mixed = lower.map((d) => d.slice(0, d.length - KILO_EXTENSION_IDS[0]!.length) + KILO_EXTENSION_IDS[1]!);
  return env.platform === 'linux' ? [...lower, ...mixed] : lower; // case-insensitive file systems need only one
}
