import { existsSync } from 'node:fs';
import { watchKey, type Config, type WatchSetting } from '../config.js';
import type { AdapterEnv, ToolAdapter } from './contract.js';

/** Whether a tool looks installed here: which of its store roots exist. */
export interface ToolPresence {
  tool: string;
  displayName: string;
  storeDirs: string[];
  /** The store roots that exist right now. */
  existing: string[];
  found: boolean;
}

export function toolPresence(adapter: ToolAdapter, env: AdapterEnv): ToolPresence {
  const storeDirs = adapter.storeDirs(env);
  const existing = storeDirs.filter((d) => existsSync(d));
  return { tool: adapter.tool, displayName: adapter.displayName, storeDirs, existing, found: existing.length > 0 };
}

export interface WatchPlan extends ToolPresence {
  setting: WatchSetting;
  /** 'on' always; 'auto' when the store exists; 'off' never. */
  watched: boolean;
}

export function watchSetting(config: Config, tool: string): WatchSetting {
  const v = config[watchKey(tool)];
  return v === 'on' || v === 'off' ? v : 'auto';
}

/** Which tools the daemon watches under these settings. */
export function watchPlan(adapters: readonly ToolAdapter[], config: Config, env: AdapterEnv): WatchPlan[] {
  return adapters.map((a) => {
    const p = toolPresence(a, env);
    const setting = watchSetting(config, a.tool);
    return { ...p, setting, watched: setting === 'on' || (setting === 'auto' && p.found) };
  });
}
