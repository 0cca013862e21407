/**
 * What each provider's real API would refuse, checked on the request a CLI sent after
 * resuming: role order, every tool call answered by exactly one result in the right
 * place, and thinking only with a signature. Each function returns the problems found.
 */
type Obj = Record<string, any>;

const ids = (xs: Obj[], key: string) => xs.map((x) => String(x[key]));

/** Anthropic Messages: user first, roles alternate, tool_use answered at the start of the next user message, thinking signed. */
export function checkAnthropic(body: Obj): string[] {
  const problems: string[] = [];
  const msgs = (body.messages as Obj[]).filter((m) => m.role !== 'system');
  if (msgs[0]?.role !== 'user') problems.push('first message is not from the user');
  msgs.forEach((m, i) => {
    if (i > 0 && msgs[i - 1]!.role === m.role) problems.push(`messages ${i - 1} and ${i} are both ${m.role}`);
    const blocks: Obj[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (m.role === 'assistant') {
      for (const b of blocks)
        if (b.type === 'thinking' && !(typeof b.signature === 'string' && b.signature)) problems.push(`message ${i}: thinking without a signature`);
      const calls = ids(
        blocks.filter((b) => b.type === 'tool_use'),
        'id',
      );
      if (!calls.length) return;
      const next = msgs[i + 1];
      const nextBlocks: Obj[] = next && Array.isArray(next.content) ? next.content : [];
      const lead: string[] = [];
      for (const b of nextBlocks) {
        if (b.type !== 'tool_result') break;
        lead.push(String(b.tool_use_id));
      }
      if (next?.role !== 'user' || [...calls].sort().join() !== [...lead].sort().join())
        problems.push(`message ${i}: tool_use ${calls.join(',')} not answered first in the next message (got ${lead.join(',') || 'nothing'})`);
    } else if (i > 0) {
      const prev = msgs[i - 1]!;
      const asked = new Set(
        Array.isArray(prev.content)
          ? ids(
              prev.content.filter((b: Obj) => b.type === 'tool_use'),
              'id',
            )
          : [],
      );
      for (const b of blocks)
        if (b.type === 'tool_result' && !asked.has(String(b.tool_use_id)))
          problems.push(`message ${i}: tool_result ${b.tool_use_id} answers no call of the previous message`);
    }
  });
  return problems;
}

/** OpenAI Responses: every function/custom call has exactly one output after it, every output follows its call. */
export function checkResponses(body: Obj): string[] {
  const problems: string[] = [];
  const items = body.input as Obj[];
  const open = new Map<string, number>();
  const answered = new Set<string>();
  items.forEach((it, i) => {
    if (it.type === 'function_call' || it.type === 'custom_tool_call') {
      if (open.has(it.call_id) || answered.has(it.call_id)) problems.push(`item ${i}: call_id ${it.call_id} used twice`);
      open.set(it.call_id, i);
    } else if (it.type === 'function_call_output' || it.type === 'custom_tool_call_output') {
      if (!open.has(it.call_id)) problems.push(`item ${i}: output for ${it.call_id} without a call before it`);
      open.delete(it.call_id);
      answered.add(it.call_id);
    } else if (it.type === 'message' && it.role === 'assistant' && open.size) {
      problems.push(`item ${i}: assistant message while calls ${[...open.keys()].join(',')} have no output`);
    }
  });
  if (open.size) problems.push(`calls without output: ${[...open.keys()].join(',')}`);
  const firstConv = items.find((it) => it.type === 'message' && (it.role === 'user' || it.role === 'assistant'));
  if (firstConv && firstConv.role !== 'user') problems.push('conversation does not open with a user message');
  return problems;
}

/** Gemini generateContent: user first, each model functionCall turn answered by the next user turn's functionResponses. */
export function checkGemini(body: Obj): string[] {
  const problems: string[] = [];
  const contents = body.contents as Obj[];
  if (contents[0]?.role !== 'user') problems.push('first content is not from the user');
  contents.forEach((c, i) => {
    if (c.role !== 'user' && c.role !== 'model') problems.push(`content ${i}: role ${c.role}`);
    const parts: Obj[] = c.parts ?? [];
    const calls = parts.filter((p) => p.functionCall).map((p) => `${p.functionCall.id ?? ''}/${p.functionCall.name}`);
    const responses = parts.filter((p) => p.functionResponse).map((p) => `${p.functionResponse.id ?? ''}/${p.functionResponse.name}`);
    if (calls.length) {
      if (c.role !== 'model') problems.push(`content ${i}: functionCall in a ${c.role} turn`);
      const next = contents[i + 1];
      const got = (next?.parts ?? []).filter((p: Obj) => p.functionResponse).map((p: Obj) => `${p.functionResponse.id ?? ''}/${p.functionResponse.name}`);
      if (next?.role !== 'user' || [...calls].sort().join() !== [...got].sort().join())
        problems.push(`content ${i}: calls ${calls.join(',')} answered by ${got.join(',') || 'nothing'}`);
    }
    if (responses.length) {
      const prev = contents[i - 1];
      const asked = new Set((prev?.parts ?? []).filter((p: Obj) => p.functionCall).map((p: Obj) => `${p.functionCall.id ?? ''}/${p.functionCall.name}`));
      for (const r of responses) if (!asked.has(r)) problems.push(`content ${i}: functionResponse ${r} answers no call of the previous turn`);
    }
  });
  return problems;
}

/** OpenAI Chat Completions: tool_calls followed at once by one tool message per call; no tool message without its call. */
export function checkChat(body: Obj): string[] {
  const problems: string[] = [];
  const msgs = body.messages as Obj[];
  const firstConv = msgs.find((m) => m.role !== 'system' && m.role !== 'developer');
  if (firstConv && firstConv.role !== 'user') problems.push('conversation does not open with a user message');
  let pending: Set<string> | null = null;
  msgs.forEach((m, i) => {
    if (m.role === 'tool') {
      if (!pending || !pending.has(String(m.tool_call_id))) problems.push(`message ${i}: tool result ${m.tool_call_id} answers no pending call`);
      else pending.delete(String(m.tool_call_id));
      return;
    }
    if (pending && pending.size) problems.push(`message ${i} (${m.role}) while calls ${[...pending].join(',')} have no result`);
    pending = m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length ? new Set(ids(m.tool_calls, 'id')) : null;
  });
  if (pending && (pending as Set<string>).size) problems.push('last tool calls have no result');
  return problems;
}

/** Every string in a JSON value, joined: what the model can read, for "is this text in the request" checks. */
export function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    out.push(v);
    // Arguments travel as JSON strings in OpenAI APIs; their contents count too.
    if (v.startsWith('{') || v.startsWith('[')) {
      try {
        allStrings(JSON.parse(v), out);
      } catch {
        // plain text that looks like JSON
      }
    }
  } else if (Array.isArray(v)) for (const x of v) allStrings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) allStrings(x, out);
  return out;
}
