import { homedir } from 'node:os';
import type { AdapterEnv } from '../engine/index.js';

/** Where the adapters look on this machine: the real home (HOME honoured), platform and environment. */
export function adapterEnv(): AdapterEnv {
  return { home: homedir(), platform: process.platform, env: process.env };
}
