import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_NAMES } from './capture/contract.js';
import { SfsError } from './errors.js';
import type { SfsPaths } from './paths.js';

/**
 * User settings in `<configDir>/config.json`. Only known keys can be set, each with a
 * type and a default, so a typo is an error instead of a silently ignored setting.
 */
interface Setting {
  default: string | number | boolean;
  describe: string;
  parse(raw: string): string | number | boolean;
}

const int = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected a whole number from ${min} to ${max}`);
  return n;
};

const oneOf =
  (...values: string[]) =>
  (raw: string) => {
    if (!values.includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
    return raw;
  };

/** Whether the daemon watches a tool: 'auto' = when its store exists. Set by `sfs watcher enable|disable`. */
export type WatchSetting = 'auto' | 'on' | 'off';
export const watchKey = (tool: string) => `watch.${tool}`;

export const SETTINGS: Record<string, Setting> = {
  'list.limit': { default: 50, describe: 'sessions shown by `sfs list` without --limit', parse: int(1, 100000) },
  'show.page_size': { default: 50, describe: 'messages per page in `sfs show`', parse: int(1, 100000) },
  'search.limit': { default: 20, describe: 'hits shown by `sfs search` without --limit', parse: int(1, 1000) },
  'resume.max_tokens': {
    default: 0,
    describe: "token budget for the history `sfs resume` writes (0 = 70 % of the target model's context window)",
    parse: int(0, 100_000_000),
  },
  'capture.max_line_bytes': {
    default: 64 * 1024 * 1024,
    describe: 'longest native JSONL line capture reads; longer lines are skipped and reported',
    parse: int(1024, 1024 * 1024 * 1024),
  },
  'import.max_messages_bytes': { default: 512 * 1024 * 1024, describe: 'largest messages.jsonl `sfs import` accepts', parse: int(1024, 2 ** 40) },
  ...Object.fromEntries(
    TOOL_NAMES.map((t) => [
      watchKey(t),
      { default: 'auto', describe: `daemon watches ${t}: auto (if its store exists), on, off`, parse: oneOf('auto', 'on', 'off') },
    ]),
  ),
};

export type Config = Record<string, string | number | boolean>;

export function configFile(paths: SfsPaths): string {
  return join(paths.configDir, 'config.json');
}

/** Settings with defaults filled in. A malformed file is an error naming it, never silently replaced. */
export function loadConfig(paths: SfsPaths): Config {
  const out: Config = Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.default]));
  let raw: string;
  try {
    raw = readFileSync(configFile(paths), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new SfsError('INVALID_INPUT', `${configFile(paths)}: not valid JSON (${(err as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SfsError('INVALID_INPUT', `${configFile(paths)}: expected a JSON object`);
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (k in SETTINGS && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) out[k] = v;
  }
  return out;
}

export function setConfig(paths: SfsPaths, key: string, raw: string): Config {
  const setting = SETTINGS[key];
  if (!setting) throw new SfsError('USAGE', `unknown setting "${key}"; known: ${Object.keys(SETTINGS).join(', ')}`);
  let value: string | number | boolean;
  try {
    value = setting.parse(raw);
  } catch (err) {
    throw new SfsError('USAGE', `bad value for ${key}: ${(err as Error).message}`);
  }
  const current = loadConfig(paths);
  const stored: Config = {};
  for (const k of Object.keys(SETTINGS)) if (current[k] !== SETTINGS[k]!.default) stored[k] = current[k]!;
  stored[key] = value;
  mkdirSync(paths.configDir, { recursive: true, mode: 0o700 });
  const file = configFile(paths);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return { ...current, [key]: value };
}
