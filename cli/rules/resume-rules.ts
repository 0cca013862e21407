import { projectOf, type ProjectionDb, getRules, type ResumeRules } from '../../engine/index.js';
import { writeRuleTargets } from './write-targets.js';

/**
 * Before a session is resumed in `tool`, brings the tool's rules file in `dir`'s
 * repository up to date with the project's rule set: a missing or out-of-date managed
 * file is written, a file someone wrote or edited by hand is left alone with a warning.
 * Null when the project has no rules.
 */
export function applyRulesForResume(db: ProjectionDb, dir: string, tool: string): ResumeRules | null {
  const p = projectOf(dir);
  const rules = getRules(db, p.key);
  if (!rules) return null;
  const files = writeRuleTargets(p.root, rules.text, { tool });
  const warnings = files
    .filter((f) => f.action === 'skipped')
    .map(
      (f) =>
        `${f.path} was ${f.state === 'edited' ? 'edited by hand since compiled' : 'written by hand'}; left alone, so it may differ from the rules of ${p.key} (sfs rules compile --tool ${tool} --force replaces it)`,
    );
  return { project: p.key, version: rules.version, hash: rules.hash, files, warnings };
}
