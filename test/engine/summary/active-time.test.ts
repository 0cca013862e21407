import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeIntervals, IDLE_GAP_MS, unionMs } from '../../../engine/summary/active-time.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

test('active time counts gaps up to the idle threshold, clipped to the period', () => {
  const since = 10 * DAY;
  const until = since + DAY;
  const at = (m: number) => since + m * MIN;
  // 10 and 10 minutes active, a 30-minute idle gap, then 5 more
  assert.equal(unionMs(activeIntervals([at(60), at(70), at(80), at(110), at(115)], since, until)), 25 * MIN);
  // a gap of exactly the threshold counts; one just over it does not
  assert.equal(unionMs(activeIntervals([at(0), at(0) + IDLE_GAP_MS], since, until)), IDLE_GAP_MS);
  assert.equal(unionMs(activeIntervals([at(0), at(0) + IDLE_GAP_MS + 1], since, until)), 0);
  // across midnight: only the part inside the period
  assert.equal(unionMs(activeIntervals([at(-5), at(5)], since, until)), 5 * MIN);
  assert.equal(unionMs(activeIntervals([at(24 * 60 - 4), at(24 * 60 + 6)], since, until)), 4 * MIN);
  // a session open for weeks with messages every 10 minutes is still at most the day
  const weeks = Array.from({ length: 6 * 24 * 7 * 3 }, (_, i) => since - 7 * DAY + i * 10 * MIN);
  assert.equal(unionMs(activeIntervals(weeks, since, until)), DAY);
  // order of the input does not matter; one message is no time
  assert.equal(unionMs(activeIntervals([at(80), at(60), at(70)], since, until)), 20 * MIN);
  assert.equal(unionMs(activeIntervals([at(60)], since, until)), 0);
});

test('the union counts overlapping sessions once', () => {
  assert.equal(
    unionMs([
      { start: 0, end: 10 },
      { start: 5, end: 15 },
      { start: 20, end: 25 },
      { start: 21, end: 22 },
    ]),
    20,
  );
  assert.equal(
    unionMs([
      { start: 20, end: 25 },
      { start: 0, end: 10 },
      { start: 10, end: 12 },
    ]),
    17,
  );
  assert.equal(unionMs([]), 0);
});
