import type { Argv, CommandModule } from 'yargs';
import { ADAPTERS } from '../../adapters/index.js';
import type { CheckResult, CheckStatus } from '../../engine/index.js';
import { adapterEnv } from '../adapter-env.js';
import { handler, type GlobalArgs } from '../context.js';
import { runDoctor } from '../doctor/run.js';
import { color, print, printJson } from '../output.js';

/**
 * `sfs doctor [--fix]`: store health, each tool's store against what was captured from
 * it, the daemon, file permissions and free disk. Exits 1 when a check fails; warnings
 * do not fail. --fix only does what cannot lose data: rebuild the projections (a cache
 * of the log) and remove a dead daemon's pid file.
 */
interface DoctorArgs extends GlobalArgs {
  fix?: boolean;
}

const MARK: Record<CheckStatus, (s: string) => string> = {
  ok: (s) => color.green(s),
  info: (s) => color.dim(s),
  warn: (s) => color.yellow(color.bold(s)),
  fail: (s) => color.red(color.bold(s)),
};
const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', info: 'info', warn: 'WARN', fail: 'FAIL' };

function printCheck(c: CheckResult, width: number): void {
  const summary = c.status === 'warn' || c.status === 'fail' ? MARK[c.status](c.summary) : c.summary;
  print(`${MARK[c.status](LABEL[c.status])}  ${c.title.padEnd(width)}  ${summary}`);
  const indent = ' '.repeat(width + 8);
  for (const f of c.fixed) print(`${indent}${color.green('fixed:')} ${f}`);
  for (const d of c.details) print(`${indent}${color.dim(d)}`);
}

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check the store, every tool (on disk vs captured), the daemon, permissions and free disk (--fix repairs what is safe)',
  builder: (y: Argv<GlobalArgs>) =>
    y.option('fix', { type: 'boolean', describe: "rebuild broken projections, remove a dead daemon's pid file" }) as Argv<DoctorArgs>,
  handler: handler<DoctorArgs>(async (a, ctx) => {
    const checks = await runDoctor(ctx.paths, { fix: !!a.fix, adapters: ADAPTERS, env: adapterEnv() });
    const failed = checks.filter((c) => c.status === 'fail').length;
    const warned = checks.filter((c) => c.status === 'warn').length;
    if (failed) process.exitCode = 1;
    if (ctx.json) return printJson('doctor', { ok: failed === 0, failed, warnings: warned, checks });
    const width = Math.max(...checks.map((c) => c.title.length));
    for (const c of checks) printCheck(c, width);
    print();
    if (failed)
      print(
        color.red(color.bold(`${failed} ${failed === 1 ? 'check' : 'checks'} failed`)) + (warned ? `, ${warned} ${warned === 1 ? 'warning' : 'warnings'}` : ''),
      );
    else print(warned ? color.yellow(`no failures, ${warned} ${warned === 1 ? 'warning' : 'warnings'}`) : color.green('all checks passed'));
  }),
};
