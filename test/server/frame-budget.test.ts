import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBudget } from '../../server/frame-budget.js';

test('frames past the process budget pause their sockets until handled frames make room', () => {
  const budget = new FrameBudget(100);
  const log: string[] = [];
  const sock = (name: string) => [() => log.push(`pause ${name}`), () => log.push(`resume ${name}`)] as const;
  budget.take(60, ...sock('a'));
  budget.take(40, ...sock('b'));
  assert.deepEqual(log, [], 'within the budget nobody waits');
  budget.take(30, ...sock('c'));
  budget.take(30, ...sock('a'));
  assert.deepEqual(log, ['pause c', 'pause a']);
  budget.release(40);
  assert.deepEqual(log, ['pause c', 'pause a'], 'still past the budget (120)');
  budget.release(60);
  assert.deepEqual(log, ['pause c', 'pause a', 'resume c', 'resume a']);
  assert.equal(budget.inUse, 60);
});
