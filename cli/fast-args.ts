import type { CommandModule } from 'yargs';

/**
 * Reads the arguments of a plain command invocation (`sfs list --limit 5`, `sfs show ID`,
 * `sfs search "a b" --json`) without loading yargs, which costs a third of a bare Node
 * start-up to load and more to build its help text. The command's own builder describes its
 * options: it runs against a recorder that notes `.positional()` and `.option()` calls.
 *
 * Only what reads exactly as yargs reads it is taken here: anything else (help, an unknown or
 * repeated flag, short flags, `--`, a builder that uses more than positionals and options, a
 * value yargs would coerce or refuse) returns undefined and main.ts hands the arguments to
 * yargs, which parses them, or says what is wrong, as before. test/cli/fast-args.test.ts
 * checks that both give the handler the same arguments.
 */

interface OptionDef {
  type?: 'string' | 'number' | 'boolean';
  array?: boolean;
  choices?: readonly unknown[];
  default?: unknown;
  demandOption?: boolean | string;
  describe?: string;
  description?: string;
  hidden?: boolean;
}

const SIMPLE_KEYS = new Set(['type', 'array', 'choices', 'default', 'demandOption', 'describe', 'description', 'hidden']);
const TYPES = new Set([undefined, 'string', 'number', 'boolean']);

/** The flags every command takes (main.ts declares them globally for yargs). */
export const GLOBAL_OPTIONS: Record<string, OptionDef> = { json: { type: 'boolean' } };

interface Shape {
  name: string;
  aliases: string[];
  /** `[name..]` (only last, only optional): the rest of the positionals as an array. */
  positionals: Array<{ name: string; required: boolean; variadic: boolean }>;
  options: Map<string, OptionDef>;
  /** A command whose builder only declares subcommands (`sfs daemon run`): they, by name. */
  subcommands: CommandModule<any, any>[];
}

/** yargs sets a dashed option under its camel-case name too (`via-cli` → `viaCli`). */
const camel = (key: string) => key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** What the builder declares, or undefined when it does more than declare positionals and options. */
function shapeOf(cmd: CommandModule<any, any>): Shape | undefined {
  if (typeof cmd.command !== 'string') return undefined;
  const [name, ...rest] = cmd.command.trim().split(/\s+/);
  if (!name) return undefined;
  const positionals: Shape['positionals'] = [];
  for (const p of rest) {
    const m = /^(?:<([\w-]+)>|\[([\w-]+)(\.\.)?\])$/.exec(p); // no required variadic `<x..>`, no `<a|b>` aliases
    if (!m || positionals.at(-1)?.variadic) return undefined;
    positionals.push({ name: (m[1] ?? m[2])!, required: !!m[1], variadic: !!m[3] });
  }
  const aliases = cmd.aliases === undefined ? [] : Array.isArray(cmd.aliases) ? cmd.aliases : [cmd.aliases];
  const options = new Map<string, OptionDef>(Object.entries(GLOBAL_OPTIONS));
  const declared = new Map<string, OptionDef>();
  const subcommands: CommandModule<any, any>[] = [];
  let simple = true;
  const simpleDef = (def: unknown): def is OptionDef =>
    typeof def === 'object' && def !== null && Object.keys(def).every((k) => SIMPLE_KEYS.has(k)) && TYPES.has((def as OptionDef).type);
  const recorder: unknown = new Proxy(
    {},
    {
      get(_t, method) {
        return (key: unknown, def: unknown) => {
          if ((method === 'option' || method === 'positional') && typeof key === 'string' && simpleDef(def)) {
            (method === 'option' ? options : declared).set(key, def);
          } else if (method === 'command' && typeof key === 'object' && key !== null && def === undefined) {
            subcommands.push(key as CommandModule<any, any>);
          } else if (method !== 'demandCommand') simple = false;
          return recorder;
        };
      },
    },
  );
  const builder = cmd.builder;
  if (typeof builder === 'function') {
    try {
      (builder as (y: unknown) => unknown)(recorder);
    } catch {
      return undefined; // the builder wanted more of yargs than the recorder has
    }
  } else if (builder !== undefined) return undefined;
  if (!simple) return undefined;
  // Subcommands or positionals and options, not both (yargs would mix the parent's into each subcommand).
  if (subcommands.length && (positionals.length || declared.size || options.size !== Object.keys(GLOBAL_OPTIONS).length)) return undefined;
  for (const p of positionals) {
    const def = declared.get(p.name);
    // A positional without a string type is coerced by yargs ('12' → 12): leave those to yargs.
    if (!def || def.type !== 'string' || def.choices) return undefined;
    // A variadic one is a string array defaulting to []; anything else has no default.
    if (p.variadic ? !def.array || !Array.isArray(def.default) || def.default.length : def.array || def.default !== undefined) return undefined;
  }
  if (declared.size !== positionals.length) return undefined;
  for (const [key, def] of options) {
    if (key.includes('.') || /[A-Z]|--|^-|-$|-[^a-z]/.test(key) || positionals.some((p) => p.name === key || p.name === camel(key))) return undefined; // dot expansion, odd names
    if ((def.type === 'boolean' && def.choices) || def.array) return undefined;
  }
  return { name, aliases, positionals, options, subcommands };
}

const NUMBER_RE = /^-?\d+(\.\d+)?$/;

/** The arguments yargs would hand this command's handler, or undefined to let yargs parse them. */
export function fastArgs(cmd: CommandModule<any, any>, argv: string[]): Record<string, unknown> | undefined {
  return fastCommand(cmd, argv)?.args;
}

/** The command (or subcommand) to run and the arguments yargs would hand its handler, or undefined to let yargs parse them. */
export function fastCommand(cmd: CommandModule<any, any>, argv: string[]): { command: CommandModule<any, any>; args: Record<string, unknown> } | undefined {
  const shape = shapeOf(cmd);
  if (!shape) return undefined;
  const [first, ...rest] = argv;
  if (first !== shape.name && !shape.aliases.includes(first!)) return undefined;
  if (shape.subcommands.length) {
    const sub = shape.subcommands.find((c) => typeof c.command === 'string' && c.command.trim().split(/\s+/)[0] === rest[0]);
    const r = sub && fastCommand(sub, rest);
    return r && { command: r.command, args: { ...r.args, _: [first, ...(r.args._ as string[])] } };
  }
  const out: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i]!;
    if (!tok.startsWith('-')) {
      positional.push(tok);
      continue;
    }
    if (!tok.startsWith('--') || tok === '--') return undefined; // short flags, `--`, negative numbers
    const eq = tok.indexOf('=');
    let key = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
    let inline: string | undefined = eq < 0 ? undefined : tok.slice(eq + 1);
    let def = shape.options.get(key);
    if (!def && key.startsWith('no-') && inline === undefined && shape.options.get(key.slice(3))?.type === 'boolean') {
      key = key.slice(3);
      def = shape.options.get(key);
      inline = 'false';
    }
    if (!def || key in out) return undefined; // unknown (strict mode says so) or repeated (yargs makes an array)
    let value: unknown;
    if (def.type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') return undefined;
      if (inline === undefined && (rest[i + 1] === 'true' || rest[i + 1] === 'false')) return undefined; // yargs takes it as the value
      value = inline === undefined ? true : inline === 'true';
    } else {
      const raw = inline ?? rest[++i];
      if (raw === undefined || (inline === undefined && raw.startsWith('-'))) return undefined;
      if (def.type === 'number') {
        if (!NUMBER_RE.test(raw)) return undefined;
        value = Number(raw);
      } else {
        // Untyped options: yargs reads a number-like value as a number.
        if (def.type === undefined && (raw === '' || !Number.isNaN(Number(raw)))) return undefined;
        value = raw;
      }
    }
    if (def.choices && !def.choices.includes(value)) return undefined;
    out[key] = out[camel(key)] = value;
  }
  const variadic = shape.positionals.at(-1)?.variadic;
  if (positional.length > shape.positionals.length && !variadic) return undefined;
  for (const [i, p] of shape.positionals.entries()) {
    if (p.variadic) out[p.name] = positional.slice(i);
    else if (i < positional.length) out[p.name] = positional[i];
    else if (p.required) return undefined;
  }
  for (const [key, def] of shape.options) {
    if (key in out) continue;
    if (def.demandOption) return undefined;
    if (def.default !== undefined) out[key] = out[camel(key)] = def.default;
  }
  return { command: cmd, args: { _: [first], $0: 'sfs', ...out } };
}
