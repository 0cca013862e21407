import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTarget, RULE_TARGETS, targetState } from '../../../engine/rules/compile.js';

const RULES = '# Rules\n\n- Run `npm test` before committing.\n';

test('compiled rules are deterministic and carry a managed marker', () => {
  for (const t of RULE_TARGETS) {
    const a = renderTarget(t, RULES);
    assert.equal(a, renderTarget(t, RULES.replace(/\n/g, '\r\n')), `${t.path}: line endings do not matter`);
    assert.match(a, /Managed by SessionFS/);
    assert.ok(a.endsWith('- Run `npm test` before committing.\n'));
  }
  const mdc = renderTarget(
    RULE_TARGETS.find((t) => t.path.endsWith('.mdc'))!,
    RULES,
  );
  assert.match(mdc, /^---\ndescription: .+\nalwaysApply: true\n---\n<!-- Managed by SessionFS/);
});

test('target states: missing, current, stale, hand-written, edited', () => {
  const t = RULE_TARGETS[0];
  assert.equal(targetState(t, null, RULES), 'missing');
  assert.equal(targetState(t, renderTarget(t, RULES), RULES), 'current');
  assert.equal(targetState(t, renderTarget(t, '# Old rules\n'), RULES), 'stale');
  assert.equal(targetState(t, '# My own CLAUDE.md\n', RULES), 'hand-written');
  assert.equal(targetState(t, renderTarget(t, '# Old rules\n') + '- my local tweak\n', RULES), 'edited');
});
