import { homedir } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import {
  SfsError,
  setConfig,
  type PathMap,
  resumeInto,
  type ResumeResult,
  resolveSession,
  RESUME_TARGETS,
  type ResumeTarget,
  type LaunchSpec,
  plural,
} from '../../engine/index.js';
import { adapterFor } from '../../adapters/index.js';
import { WRITERS } from '../../adapters/writers.js';
import { handler, type Ctx, type GlobalArgs } from '../context.js';
import { applyRulesForResume } from '../rules/resume-rules.js';
import { commandLine, findOnPath, runInteractive } from '../launch.js';
import { color, print, printJson } from '../output.js';

interface ResumeArgs extends GlobalArgs {
  session: string;
  in?: ResumeTarget;
  model?: string;
  project?: string;
  launch?: boolean;
  'print-command'?: boolean;
  'max-tokens'?: number;
}

/** Writes the native session for `sessionRef` (shared by `sfs resume` and `sfs export --format <tool>`). */
export async function writeNative(
  ctx: Ctx,
  o: { session: string; target?: string; project?: string; model?: string; maxTokens?: number; rules?: boolean },
): Promise<ResumeResult> {
  const store = await ctx.store();
  const db = await store.view();
  const id = resolveSession(db, o.session);
  return resumeInto(store, {
    sessionId: id,
    target: o.target,
    project: o.project,
    fallbackCwd: process.cwd(),
    pathMap: ctx.config['paths.map'] as PathMap,
    recordMapping: (from, to) => setConfig(ctx.paths, 'paths.map', `${from}=${to}`),
    model: o.model ?? null,
    maxTokens: o.maxTokens ?? (ctx.config['resume.max_tokens'] as number),
    env: { home: homedir(), platform: process.platform, env: process.env },
    writerFor: (t) => WRITERS[t],
    adapterFor: (t) => adapterFor(t)!,
    // Resume brings the target's rules file up to date first; export only writes the session.
    beforeWrite: o.rules ? (dir, t) => applyRulesForResume(db, dir, t) : undefined,
  });
}

/** One line per thing the mapping changed, so nothing is left out silently. */
export function describeMapping(r: ResumeResult): string[] {
  const x = r.report;
  const lines: string[] = [];
  const n = (count: number, what: string, rest: string) => count && lines.push(`${plural(count, what)} ${rest}`);
  n(x.injected, 'harness-injected message', 'not replayed');
  n(x.compaction, 'compaction record', 'left out (the full history is written instead)');
  n(x.apiErrors, 'recorded API error', 'left out');
  n(x.sidechain, 'sub-agent message', 'left out (their tool results summarise them)');
  n(x.thinkingDropped, 'thinking block', 'dropped (signed by another provider, or unsigned)');
  n(x.imagesReplaced, 'image', 'replaced by a note (not supported by the target)');
  n(x.syntheticResults, 'unfinished tool call', 'given a result saying so');
  n(x.orphanResults, 'tool result', 'without their call carried as text');
  n(x.blocksDropped, 'tool-specific block', 'dropped');
  if (x.trimmedMessages) lines.push(`${plural(x.trimmedMessages, 'oldest message')} (~${x.trimmedTokens} tokens) trimmed to fit the context limit`);
  return lines;
}

export function printWritten(r: ResumeResult): void {
  const w = r.written;
  print(`${color.green('wrote')} ${WRITERS[r.target].displayName} session ${w.nativeId} ${color.dim(`(${plural(r.messages, 'message')} from ${r.source})`)}`);
  print(`  ${w.path}`);
  print(`  continues as ${r.session}`);
  if (r.projectFallback) print(color.yellow(`  the session's directory ${r.projectFallback} does not exist here; using ${w.cwd}`));
  if (r.remap) {
    print(`  paths under ${r.remap.from} now read ${r.remap.to} ${color.dim(`(${plural(r.remap.replaced, 'path')} rewritten in the history)`)}`);
    if (r.remap.recorded) print(color.dim(`  recorded paths.map ${r.remap.from}=${r.remap.to}: the next resume of this project needs no --project`));
  }
  for (const line of describeMapping(r)) print(color.dim(`  ${line}`));
  if (r.rules) {
    for (const f of r.rules.files) {
      if (f.action === 'created' || f.action === 'updated')
        print(`  ${color.green(f.action)} ${f.path} ${color.dim(`from the rules of ${r.rules.project} (version ${r.rules.version})`)}`);
    }
    for (const w of r.rules.warnings) print(color.yellow(`  warning: ${w}`));
  }
}

export const resumeCommand: CommandModule<GlobalArgs, ResumeArgs> = {
  command: 'resume <session>',
  describe: 'Continue a session natively in Claude Code, Codex, Gemini CLI, Copilot CLI, the Kilo CLI or OpenCode',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('session', { type: 'string', demandOption: true, describe: 'id, alias or id prefix (≥ 4 characters)' })
      .option('in', { choices: RESUME_TARGETS, describe: 'tool to resume in (default: the tool the session came from)' })
      .option('model', { type: 'string', describe: 'model for the resumed session' })
      .option('project', { type: 'string', describe: "directory to run the tool in (default: the session's, else the current one)" })
      .option('launch', { type: 'boolean', default: true, describe: 'start the tool (--no-launch only writes the session)' })
      .option('print-command', { type: 'boolean', describe: 'write the session and print the command that resumes it' })
      .option('max-tokens', { type: 'number', describe: 'token budget for the written history (default: setting resume.max_tokens)' }) as Argv<ResumeArgs>,
  handler: async (a: ResumeArgs) => {
    let launch: { spec: LaunchSpec; result: ResumeResult } | null = null;
    await handler<ResumeArgs>(async (args, ctx) => {
      const result = await writeNative(ctx, {
        session: args.session,
        target: args.in,
        project: args.project,
        model: args.model,
        maxTokens: args['max-tokens'],
        rules: true,
      });
      const writer = WRITERS[result.target];
      const spec = writer.launch(result.written, { model: args.model });
      const data = { ...summary(result), command: commandLine(spec) };
      if (args['print-command']) {
        if (ctx.json) return printJson('resume', data);
        for (const w of result.rules?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
        return print(commandLine(spec));
      }
      if (ctx.json) printJson('resume', data);
      else printWritten(result);
      if (args.launch === false) {
        if (!ctx.json) print(`  resume with: ${commandLine(spec)}`);
        return;
      }
      if (!findOnPath(spec.command)) {
        throw new SfsError(
          'NOT_FOUND',
          `${writer.displayName} (${spec.command}) is not installed or not on PATH; install it with \`${writer.installHint}\`. The session was written to ${result.written.path}; then run: ${commandLine(spec)}`,
          { path: result.written.path, install: writer.installHint, command: commandLine(spec) },
        );
      }
      launch = { spec, result };
    })(a);
    // The store is closed before the tool starts, so the tool's session never holds it.
    const pending = launch as { spec: LaunchSpec; result: ResumeResult } | null;
    if (!pending || process.exitCode) return;
    const exe = findOnPath(pending.spec.command)!;
    process.exitCode = await runInteractive(exe, pending.spec);
  },
};

function summary(r: ResumeResult) {
  return {
    source: r.source,
    session: r.session,
    tool: r.target,
    native_id: r.written.nativeId,
    path: r.written.path,
    files: r.written.files,
    cwd: r.written.cwd,
    project_fallback: r.projectFallback,
    path_map: r.remap,
    messages: r.messages,
    mapping: r.report,
    rules: r.rules,
  };
}

export { summary as resumeSummary };
