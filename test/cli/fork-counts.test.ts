import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDS, example, newSfs } from '../helpers/cli.js';

// A fork shows (and resumes) its parent's conversation up to the fork point: its message and
// tool-call counts include that inherited part, the same in list, show and summary.
test("list, show and summary agree on a fork's message and tool-call counts (inherited part included)", async (t) => {
  const sfs = newSfs();
  t.after(() => sfs.dispose());
  await sfs.ok(['import', example('complete')]);
  const parent = await sfs.ok(['summary', IDS.complete]);
  assert.equal(parent.tool_calls, 4);
  for (const at of ['5', '8']) {
    const fork = (await sfs.ok(['fork', IDS.complete, '--at', at])).id;
    const shown = await sfs.ok(['show', fork]);
    const summary = await sfs.ok(['summary', fork]);
    const listed = (await sfs.ok(['list'])).sessions.find((s: { id: string }) => s.id === fork);
    const calls = shown.messages.items.reduce(
      (n: number, i: { message: { content: Array<{ type: string }> } }) => n + i.message.content.filter((b) => b.type === 'tool_use').length,
      0,
    );
    assert.equal(shown.messages.total, Number(at), `fork at ${at}: shows ${at} messages`);
    assert.deepEqual(
      {
        show: [shown.session.message_count, shown.session.tool_use_count],
        summary: [summary.message_count, summary.tool_calls],
        list: [listed.message_count, listed.tool_use_count],
      },
      { show: [Number(at), calls], summary: [Number(at), calls], list: [Number(at), calls] },
      `fork at ${at}`,
    );
    assert.match(await sfs.out(['show', fork]), new RegExp(`^messages +${at} \\(${calls} tool calls?\\)$`, 'm'));
    assert.match(await sfs.out(['summary', fork]), new RegExp(` ${at} messages, ${calls} tool calls? `));
  }
});
