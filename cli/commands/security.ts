import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { plural, logDir, projectionsFile, resolveSession, credentialsFile, scanValue, type Finding } from '../../engine/index.js';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { handler, type GlobalArgs } from '../context.js';
import { color, print, printJson } from '../output.js';

interface Problem {
  path: string;
  problem: string;
  fixed: boolean;
}

/** Files and directories that must not be readable by other users, with the mode they should have. */
export function sensitive(paths: { dataDir: string; configDir: string; stateDir: string }): Array<[string, number]> {
  return [
    [paths.dataDir, 0o700],
    [logDir(paths), 0o700],
    [projectionsFile(paths), 0o600],
    [paths.configDir, 0o700],
    [join(paths.configDir, 'config.json'), 0o600],
    [credentialsFile(paths), 0o600],
    [join(paths.configDir, 'sync.json'), 0o600],
    [paths.stateDir, 0o700],
  ];
}

export const securityCommand: CommandModule<GlobalArgs, GlobalArgs & { action: 'scan'; fix?: boolean }> = {
  command: 'security <action>',
  describe: 'scan: check permissions of the store, config and token files, and look for credentials in plain config (--fix tightens modes)',
  builder: (y) =>
    y.positional('action', { choices: ['scan'] as const, demandOption: true }).option('fix', { type: 'boolean', describe: 'chmod what is too open' }) as never,
  handler: handler(async (a, ctx) => {
    const problems: Problem[] = [];
    for (const [p, want] of sensitive(ctx.paths)) {
      if (!existsSync(p)) continue;
      const mode = statSync(p).mode & 0o777;
      if (mode & 0o077) {
        let fixed = false;
        if (a.fix) {
          chmodSync(p, want);
          fixed = true;
        }
        problems.push({
          path: p,
          problem: `mode ${mode.toString(8).padStart(4, '0')} lets other users read it (want ${want.toString(8).padStart(4, '0')})`,
          fixed,
        });
      }
    }
    const config = join(ctx.paths.configDir, 'config.json');
    if (existsSync(config)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(config, 'utf8'));
      } catch {
        parsed = readFileSync(config, 'utf8');
      }
      for (const f of scanValue(parsed).filter((x) => x.kind === 'secret')) {
        problems.push({
          path: `${config}#${f.path}`,
          problem: `looks like a credential (${f.detector}, ${f.preview}); keep tokens out of config (sfs auth login stores them 0600)`,
          fixed: false,
        });
      }
    }
    if (ctx.json) printJson('security scan', { problems });
    else if (!problems.length) print(color.green('no problems found'));
    else for (const p of problems) print(`${p.fixed ? color.green('fixed') : color.yellow('warn ')} ${p.path}: ${p.problem}`);
    if (problems.some((p) => !p.fixed)) process.exitCode = 1;
  }),
};

export const dlpCommand: CommandModule<GlobalArgs, GlobalArgs & { action: 'scan'; session: string }> = {
  command: 'dlp <action> <session>',
  describe: 'scan: list the secrets and personal data a session holds (what sync would redact or block)',
  builder: (y) =>
    y.positional('action', { choices: ['scan'] as const, demandOption: true }).positional('session', { type: 'string', demandOption: true }) as never,
  handler: handler(async (a, ctx) => {
    const store = await ctx.store();
    const id = resolveSession(await store.view(), a.session);
    const findings: Array<Finding & { event: string }> = [];
    for (let after = 0; ;) {
      const page = await store.log.readSession(id, after, 1000);
      if (!page.length) break;
      for (const e of page) if (e.body) for (const f of scanValue(e.body)) findings.push({ ...f, event: `${e.origin}:${e.seq}` });
      after = page[page.length - 1]!.pos;
    }
    if (ctx.json) return printJson('dlp scan', { session: id, findings });
    if (!findings.length) return print(`${id}: nothing found`);
    for (const f of findings)
      print(`${f.kind === 'secret' ? color.red(f.detector) : color.yellow(f.detector)}  ${f.preview}  ${color.dim(`${f.event} ${f.path}`)}`);
    print(`${plural(findings.length, 'finding')} in ${id}`);
    if (findings.some((f) => f.kind === 'secret')) process.exitCode = 1;
  }),
};
