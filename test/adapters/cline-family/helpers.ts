/** Test helpers of the Cline family (cline, roo-code, kilo-code); generic ones are in ../shared/helpers.ts. */

/** A Roo-style task with native tool calls, thinking, an image, a UI timeline with tokens, an API error and a compaction. */
export function sampleTask(taskId: string, t0 = 1_800_000_000_000): { api: unknown[]; ui: unknown[] } {
  const api = [
    {
      role: 'user',
      ts: t0 + 10,
      content: [
        { type: 'text', text: '<task>\nFix the failing test\n</task>' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'text', text: '<environment_details>\n# Current Workspace Directory (/home/dev/proj) Files\nsrc/\n</environment_details>' },
      ],
    },
    {
      role: 'assistant',
      ts: t0 + 30,
      content: [
        { type: 'thinking', thinking: 'Look at the test first.', signature: 'sig-abc' },
        { type: 'text', text: 'Reading the test.' },
        { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'test.js' } },
      ],
    },
    { role: 'user', ts: t0 + 40, content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'assert(1 === 2)' }] }] },
    {
      role: 'assistant',
      ts: t0 + 60,
      content: [
        { type: 'text', text: 'Running it.' },
        { type: 'tool_use', id: 'toolu_2', name: 'execute_command', input: { command: 'npm test' } },
      ],
    },
  ];
  const ui = [
    { ts: t0 + 10, type: 'say', say: 'task', text: 'Fix the failing test' },
    { ts: t0 + 20, type: 'say', say: 'api_req_started', text: JSON.stringify({ tokensIn: 100, tokensOut: 20, cacheReads: 5, cacheWrites: 7, cost: 0.01 }) },
    { ts: t0 + 45, type: 'say', say: 'api_req_started', text: JSON.stringify({ tokensIn: 50, tokensOut: 0 }) },
    { ts: t0 + 46, type: 'ask', ask: 'api_req_failed', text: '400 Bad Request' },
    { ts: t0 + 50, type: 'say', say: 'api_req_started', text: JSON.stringify({ tokensIn: 150, tokensOut: 30 }) },
    { ts: t0 + 55, type: 'say', say: 'text', text: 'partial', partial: true },
    { ts: t0 + 70, type: 'say', say: 'condense_context', contextCondense: { summary: 'Summary of the work so far', cost: 0 } },
  ];
  void taskId;
  return { api, ui };
}
