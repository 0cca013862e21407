import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { SfsError, setRules, getRules, isManaged, RULE_TARGETS, RULE_TOOLS, RULES_TEMPLATE, type TargetState } from '../../engine/index.js';
import { handler, type Ctx, type GlobalArgs } from '../context.js';
import { editText } from '../editor.js';
import { color, print, printJson, shortTime, write } from '../output.js';
import { readOrNull, targetStatuses, writeRuleTargets } from '../rules/write-targets.js';
import { chosenProject } from './project.js';

interface RulesArgs extends GlobalArgs {
  project?: string;
}

interface CompileArgs extends RulesArgs {
  tool?: string;
  'dry-run'?: boolean;
  force?: boolean;
}

async function currentRules(ctx: Ctx, a: RulesArgs) {
  const p = chosenProject(a);
  const store = await ctx.store();
  return { p, store, rules: getRules(await store.view(), p.key) };
}

const STATE_TEXT: Record<TargetState, string> = {
  missing: 'missing',
  current: 'up to date',
  stale: 'out of date',
  'hand-written': 'hand-written (left alone; --force overwrites)',
  edited: 'edited by hand since compiled (left alone; --force overwrites)',
};

export const rulesCommand: CommandModule<GlobalArgs, RulesArgs> = {
  command: 'rules',
  describe: "One canonical rule set for every agent, compiled into each tool's rules file",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('project', { type: 'string', describe: "a directory (default: the current directory's repository)" })
      .command({
        command: 'init',
        describe: 'Create the rule set: from --from FILE, else from an existing hand-written rules file, else a template',
        builder: (yy: Argv<RulesArgs>) => yy.option('from', { type: 'string', describe: 'start from this file' }) as Argv<RulesArgs & { from?: string }>,
        handler: handler<RulesArgs & { from?: string }>(async (a, ctx) => {
          const { p, store, rules } = await currentRules(ctx, a);
          if (rules) {
            if (ctx.json) return printJson('rules.init', { project: p.key, created: false, version: rules.version });
            return print(`${p.key} already has rules (version ${rules.version}); ${color.dim('sfs rules edit')} changes them`);
          }
          let text = RULES_TEMPLATE;
          let source = 'template';
          if (a.from) {
            const t = readOrNull(a.from);
            if (t === null) throw new SfsError('NOT_FOUND', `no file ${a.from}`);
            text = t;
            source = a.from;
          } else {
            for (const t of RULE_TARGETS) {
              const existing = readOrNull(join(p.root, t.path));
              if (existing?.trim() && !isManaged(existing)) {
                text = existing;
                source = t.path;
                break;
              }
            }
          }
          await setRules(store, p.key, text);
          if (ctx.json) return printJson('rules.init', { project: p.key, created: true, source });
          print(`${color.green('created')} the rules of ${p.key} from ${source} ${color.dim('(sfs rules edit, then sfs rules compile)')}`);
        }),
      } as CommandModule<RulesArgs, RulesArgs & { from?: string }>)
      .command({
        command: 'edit',
        describe: 'Edit the rule set in $EDITOR',
        handler: handler<RulesArgs>(async (a, ctx) => {
          const { p, store, rules } = await currentRules(ctx, a);
          const text = editText(rules?.text ?? RULES_TEMPLATE, 'RULES.md');
          const changed = text !== rules?.text;
          if (changed) await setRules(store, p.key, text);
          if (ctx.json) return printJson('rules.edit', { project: p.key, changed });
          print(changed ? `${color.green('saved')} the rules of ${p.key} ${color.dim('(sfs rules compile writes the files)')}` : 'unchanged');
        }),
      } as CommandModule<RulesArgs, RulesArgs>)
      .command({
        command: 'show',
        describe: 'Print the rule set, its version and hash, and the state of each compiled file',
        handler: handler<RulesArgs>(async (a, ctx) => {
          const { p, rules } = await currentRules(ctx, a);
          if (!rules) throw new SfsError('NOT_FOUND', `${p.key} has no rules yet (sfs rules init)`);
          const st = targetStatuses(p.root, rules.text);
          if (ctx.json)
            return printJson('rules.show', { ...rules, root: p.root, targets: st.map((s) => ({ tool: s.target.tool, path: s.target.path, state: s.state })) });
          print(color.dim(`# ${p.key} · version ${rules.version} · hash ${rules.hash} · ${shortTime(rules.updated_at)}`));
          for (const s of st) print(color.dim(`#   ${s.target.path.padEnd(32)} ${STATE_TEXT[s.state]}`));
          print('');
          write(rules.text.endsWith('\n') ? rules.text : rules.text + '\n');
        }),
      } as CommandModule<RulesArgs, RulesArgs>)
      .command({
        command: 'compile',
        describe: 'Write CLAUDE.md, AGENTS.md, GEMINI.md, .cursor/rules/, .cursorrules and .github/copilot-instructions.md from the rule set',
        builder: (yy: Argv<RulesArgs>) =>
          yy
            .option('tool', { choices: RULE_TOOLS as string[], describe: "only this tool's files" })
            .option('dry-run', { type: 'boolean', describe: 'say what would be written, write nothing' })
            .option('force', { type: 'boolean', describe: 'also overwrite hand-written files (a backup is kept)' }) as Argv<CompileArgs>,
        handler: handler<CompileArgs>(async (a, ctx) => {
          const { p, rules } = await currentRules(ctx, a);
          if (!rules) throw new SfsError('NOT_FOUND', `${p.key} has no rules yet (sfs rules init)`);
          const results = writeRuleTargets(p.root, rules.text, { tool: a.tool, force: a.force, dryRun: a['dry-run'] });
          if (ctx.json) return printJson('rules.compile', { project: p.key, root: p.root, version: rules.version, hash: rules.hash, results });
          for (const r of results) {
            const c = r.action === 'skipped' ? color.yellow : r.action === 'unchanged' ? color.dim : color.green;
            print(`${c(r.action.padEnd(15))} ${r.path}${r.action === 'skipped' ? color.dim(` — ${STATE_TEXT[r.state]}`) : ''}`);
          }
          if (results.some((r) => r.action === 'skipped'))
            print(color.dim('Files written by hand are left alone; --force overwrites them (keeping a .sfs-backup).'));
        }),
      } as CommandModule<RulesArgs, CompileArgs>)
      .demandCommand(1, 'use `sfs rules init|edit|show|compile`') as Argv<RulesArgs>,
  handler: () => undefined,
};
