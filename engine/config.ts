import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_NAMES } from './capture/contract.js';
import { SfsError } from './errors.js';
import type { SfsPaths } from './paths.js';
import { normaliseRoot } from './resume/remap-paths.js';

/**
 * User settings in `<configDir>/config.json`. Only known keys can be set, each with a
 * type and a default, so a typo is an error instead of a silently ignored setting.
 */
/** Where a checkout moved between machines, OLD root → NEW root (`paths.map`). */
export type PathMap = Readonly<Record<string, string>>;
export type ConfigValue = string | number | boolean | PathMap;

interface Setting {
  default: ConfigValue;
  describe: string;
  /** The new value from the command line; `current` is the setting's value now (a map setting adds to it). */
  parse(raw: string, current: ConfigValue): ConfigValue;
  /** Whether a value read from config.json is one this setting takes. */
  accepts?(v: unknown): boolean;
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

/** `OLD=NEW` adds or replaces the mapping of OLD; `OLD=` removes it. */
function parsePathMapping(raw: string, current: ConfigValue): PathMap {
  const eq = raw.indexOf('=');
  if (eq < 0) throw new Error('expected OLD=NEW (two absolute directories), or OLD= to remove a mapping');
  const from = normaliseRoot(raw.slice(0, eq));
  if (!from) throw new Error(`"${raw.slice(0, eq)}" is not an absolute directory below /`);
  const out: Record<string, string> = { ...(current as PathMap) };
  if (raw.slice(eq + 1) === '') {
    delete out[from];
    return out;
  }
  const to = normaliseRoot(raw.slice(eq + 1));
  if (!to) throw new Error(`"${raw.slice(eq + 1)}" is not an absolute directory below /`);
  out[from] = to;
  return out;
}

const isPathMap = (v: unknown): boolean =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.entries(v).every(([k, x]) => normaliseRoot(k) === k && typeof x === 'string' && normaliseRoot(x) === x);

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
  'paths.map': {
    default: {},
    describe: 'where checkouts live on this machine: OLD=NEW (added by `sfs resume --project`; OLD= removes)',
    parse: parsePathMapping,
    accepts: isPathMap,
  },
  'import.max_messages_bytes': { default: 512 * 1024 * 1024, describe: 'largest messages.jsonl `sfs import` accepts', parse: int(1024, 2 ** 40) },
  ...Object.fromEntries(
    TOOL_NAMES.map((t) => [
      watchKey(t),
      { default: 'auto', describe: `daemon watches ${t}: auto (if its store exists), on, off`, parse: oneOf('auto', 'on', 'off') },
    ]),
  ),
};

export type Config = Record<string, ConfigValue>;

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
    const setting = SETTINGS[k];
    if (!setting) continue;
    if (setting.accepts ? setting.accepts(v) : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v as ConfigValue;
  }
  return out;
}

export function setConfig(paths: SfsPaths, key: string, raw: string): Config {
  const setting = SETTINGS[key];
  if (!setting) throw new SfsError('USAGE', `unknown setting "${key}"; known: ${Object.keys(SETTINGS).join(', ')}`);
  const current = loadConfig(paths);
  let value: ConfigValue;
  try {
    value = setting.parse(raw, current[key]!);
  } catch (err) {
    throw new SfsError('USAGE', `bad value for ${key}: ${(err as Error).message}`);
  }
  const stored: Config = {};
  for (const k of Object.keys(SETTINGS)) if (JSON.stringify(current[k]) !== JSON.stringify(SETTINGS[k]!.default)) stored[k] = current[k]!;
  stored[key] = value;
  mkdirSync(paths.configDir, { recursive: true, mode: 0o700 });
  const file = configFile(paths);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return { ...current, [key]: value };
}
