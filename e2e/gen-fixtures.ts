import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { valueFor } from './mock-model.js';

/**
 * A scripted model endpoint for making fixtures with the real CLIs (test/fixtures/SOURCES.md):
 * unlike the e2e mock, which always answers with text, it plays a short scenario chosen by a
 * keyword in the latest user prompt (SCN_TOOLS, SCN_SUBAGENT, SCN_PR, SCN_ERROR), so the tool
 * writes tool calls, results, reasoning, sub-agents and errors into its own files. It speaks
 * Anthropic Messages and OpenAI Responses. Run: `node dist/e2e/gen-fixtures.js <port> [log]`.
 */
type Obj = Record<string, any>;

function readBody(req: IncomingMessage): Promise<Obj> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Obj);
      } catch {
        resolve({});
      }
    });
  });
}

function sse(res: ServerResponse, events: Array<{ event?: string; data: unknown }>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  res.end();
}

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((b: Obj) => (typeof b?.text === 'string' ? b.text : '')).join('\n') : '';

type Step =
  | { kind: 'text'; text: string; thinking?: string }
  | { kind: 'tool'; tool: string; input: Obj; thinking?: string; text?: string }
  | { kind: 'error'; status: number; message: string };

/** Which step of the scenario: the scenario keyword of the latest real prompt, and how many model turns followed it. */
function scenario(prompt: string, turnsSince: number, firstPrompt: string, pick: (names: string[]) => string | null): Step {
  const name = (n: string[]) => pick(n) ?? n[0]!;
  if (firstPrompt.includes('SUBAGENT_JOB')) {
    return turnsSince === 0
      ? { kind: 'tool', tool: name(['Bash', 'exec_command', 'shell_command', 'shell']), input: { command: 'ls -a' } }
      : { kind: 'text', text: 'SUBAGENT_DONE: the project holds README.md and src/.' };
  }
  if (prompt.includes('SCN_TOOLS')) {
    const steps: Step[] = [
      {
        kind: 'tool',
        thinking: 'To answer I need to look at the project. First list the files.',
        text: 'Let me look around.',
        tool: 'shell',
        input: { command: 'ls' },
      },
      { kind: 'tool', thinking: 'There is a README.md; read it.', tool: 'read', input: { file: 'README.md' } },
      { kind: 'tool', thinking: 'Try a file that does not exist.', tool: 'shell', input: { command: 'cat does-not-exist.txt' } },
      { kind: 'text', thinking: 'All steps done; summarise.', text: 'TOOLS_DONE: the project is a demo app with a README and src/index.ts.' },
    ];
    return steps[Math.min(turnsSince, steps.length - 1)]!;
  }
  if (prompt.includes('SCN_SUBAGENT')) {
    return turnsSince === 0
      ? {
          kind: 'tool',
          tool: name(['Agent', 'Task', 'spawn_agent']),
          input: { description: 'List project files', prompt: 'SUBAGENT_JOB: list every file in the project', subagent_type: 'general-purpose' },
        }
      : { kind: 'text', text: 'SUBAGENT_REPORTED: the sub-agent listed README.md and src/.' };
  }
  if (prompt.includes('SCN_PR')) {
    return turnsSince === 0
      ? { kind: 'tool', tool: 'shell', input: { command: 'gh pr create --title "Demo change" --body "A demo change"' } }
      : { kind: 'text', text: 'PR_OPENED: https://github.com/acme/demo-app/pull/42' };
  }
  if (prompt.includes('SCN_ERROR')) return { kind: 'error', status: 400, message: 'SCN_ERROR: the mock refuses this request' };
  return { kind: 'text', text: `MOCK_REPLY to: ${prompt.slice(0, 60)}` };
}

// ---------- Anthropic Messages (Claude Code) ----------

/** The prompt a user line carries: its last text block that the tool did not inject. */
function promptText(content: unknown): string {
  const blocks = Array.isArray(content) ? (content as Obj[]) : [{ type: 'text', text: content }];
  const texts = blocks.filter((b) => b.type === 'text' && typeof b.text === 'string' && !b.text.startsWith('<system-reminder>')).map((b) => String(b.text));
  return texts.at(-1) ?? '';
}

function anthropicPrompts(messages: Obj[]): { prompt: string; first: string; turnsSince: number } {
  let last = -1;
  messages.forEach((m, i) => {
    const blocks = Array.isArray(m.content) ? (m.content as Obj[]) : [];
    if (m.role === 'user' && promptText(m.content) && !blocks.some((b) => b.type === 'tool_result')) last = i;
  });
  const prompt = last >= 0 ? promptText(messages[last]!.content) : '';
  const first = messages.length ? textOf(messages[0]!.content) : '';
  const turnsSince = last >= 0 ? messages.slice(last + 1).filter((m) => m.role === 'assistant').length : 0;
  return { prompt, first, turnsSince };
}

function claudeTool(step: Extract<Step, { kind: 'tool' }>, cwd: string): { name: string; input: Obj } {
  if (step.tool === 'shell') return { name: 'Bash', input: { command: step.input.command, description: 'Run a command' } };
  if (step.tool === 'read') return { name: 'Read', input: { file_path: `${cwd}/${step.input.file}` } };
  return { name: step.tool, input: step.input };
}

let seq = 0;
const nextId = (p: string) => `${p}_mock${Date.now().toString(36)}${(seq++).toString(36)}`;

function anthropic(res: ServerResponse, body: Obj): void {
  const messages = (body.messages ?? []) as Obj[];
  const tools = ((body.tools ?? []) as Obj[]).map((t) => String(t.name));
  const system = JSON.stringify(body.system ?? '');
  const usage = { input_tokens: 120, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const schema = body.output_format?.schema ?? body.output_config?.format?.schema;
  const { prompt, first, turnsSince } = anthropicPrompts(messages);
  // Side requests (titles, summaries, compaction) have no tools: answer with text (or the JSON asked for).
  let step: Step =
    tools.length === 0
      ? { kind: 'text', text: schema ? JSON.stringify(valueFor(schema)).replaceAll('"e2e"', '"Inspect the demo project"') : 'Demo project inspection' }
      : scenario(prompt, turnsSince, first, (names) => names.find((n) => tools.includes(n)) ?? null);
  if (/compact|summar/i.test(system) && tools.length === 0 && !schema) step = { kind: 'text', text: 'Summary: the user inspected the demo project.' };
  if (step.kind === 'error') {
    res.writeHead(step.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: step.message } }));
    return;
  }
  const cwd = /Primary working directory: (\S+)/.exec(system)?.[1] ?? /working directory[^/]*(\/[^\s"\\]+)/i.exec(system)?.[1] ?? '/home/dev/projects/demo-app';
  const blocks: Obj[] = [];
  const thinking = step.thinking && body.thinking?.type && body.thinking.type !== 'disabled' ? step.thinking : null;
  // `display: omitted` asks for the signature alone (the API sends an empty thinking text).
  const shown = body.thinking?.display === 'omitted' ? '' : thinking;
  if (thinking) blocks.push({ type: 'thinking', thinking: shown, signature: `EuYBCkQYAiJA${Buffer.from(thinking).toString('base64').slice(0, 40)}mocksig` });
  if (step.kind === 'text' || step.text) blocks.push({ type: 'text', text: step.text! });
  if (step.kind === 'tool') {
    const t = claudeTool(step, cwd);
    blocks.push({ type: 'tool_use', id: nextId('toolu'), name: t.name, input: t.input });
  }
  const model = String(body.model ?? 'claude');
  const stop = step.kind === 'tool' ? 'tool_use' : 'end_turn';
  const message = { id: nextId('msg'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage };
  const events: Array<{ event: string; data: unknown }> = [{ event: 'message_start', data: { type: 'message_start', message } }];
  blocks.forEach((b, index) => {
    if (b.type === 'thinking') {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } },
      });
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: b.thinking } } });
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: b.signature } } });
    } else if (b.type === 'text') {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } } });
    } else {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } },
      });
      events.push({
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } },
      });
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 30 } } });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...message, content: blocks, stop_reason: stop }));
    return;
  }
  sse(res, events);
}

// ---------- OpenAI Responses (Codex) ----------

function responsesPrompts(input: Obj[]): { prompt: string; first: string; turnsSince: number } {
  let last = -1;
  // Codex wraps images and its own context in <tags> and sends AGENTS.md-style text starting with '#'.
  const own = (t: string) => t && !t.startsWith('<') && !t.startsWith('#');
  const userText = (it: Obj) =>
    (it.type === 'message' || !it.type) && it.role === 'user' && Array.isArray(it.content)
      ? ((it.content as Obj[])
          .map((b) => String(b.text ?? ''))
          .filter(own)
          .at(-1) ?? '')
      : '';
  input.forEach((it, i) => {
    if (userText(it)) last = i;
  });
  const firstUser = input.map(userText).find(Boolean) ?? '';
  const prompt = last >= 0 ? userText(input[last]!) : '';
  const turnsSince = last >= 0 ? input.slice(last + 1).filter((it) => it.type === 'function_call' || it.type === 'custom_tool_call').length : 0;
  return { prompt, first: firstUser, turnsSince };
}

function codexCall(step: Extract<Step, { kind: 'tool' }>, tools: string[]): Obj {
  const cmd = step.tool === 'read' ? `cat ${step.input.file}` : step.tool === 'shell' ? String(step.input.command) : null;
  if (cmd !== null) {
    if (tools.includes('exec_command')) return { name: 'exec_command', arguments: { cmd } };
    if (tools.includes('shell_command')) return { name: 'shell_command', arguments: { command: cmd } };
    return { name: 'shell', arguments: { command: ['bash', '-lc', cmd] } };
  }
  if (step.tool === 'spawn_agent') return { name: 'spawn_agent', arguments: { message: step.input.prompt } };
  return { name: step.tool, arguments: step.input };
}

function responses(res: ServerResponse, body: Obj): void {
  const tools = ((body.tools ?? []) as Obj[]).map((t) => String(t.name ?? t.type));
  const format = body.text?.format;
  const input = (Array.isArray(body.input) ? body.input : []) as Obj[];
  const { prompt, first, turnsSince } = responsesPrompts(input);
  const step: Step =
    format?.type === 'json_schema'
      ? { kind: 'text', text: JSON.stringify(valueFor(format.schema)) }
      : scenario(prompt, turnsSince, first, (names) => names.find((n) => tools.includes(n)) ?? null);
  if (step.kind === 'error') {
    res.writeHead(step.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'invalid_request', message: step.message } }));
    return;
  }
  const output: Obj[] = [];
  if (step.thinking) {
    // A reasoning item as the API returns it with include: reasoning.encrypted_content: an id and an opaque payload.
    output.push({
      type: 'reasoning',
      id: nextId('rs'),
      summary: [{ type: 'summary_text', text: `**Planning**\n\n${step.thinking}` }],
      encrypted_content: `gAAAAABmock${Buffer.from(step.thinking).toString('base64')}`,
    });
  }
  if (step.kind === 'text' || step.text)
    output.push({
      type: 'message',
      id: nextId('msg'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: step.text, annotations: [] }],
    });
  if (step.kind === 'tool') {
    const c = codexCall(step, tools);
    output.push({
      type: 'function_call',
      id: nextId('fc'),
      status: 'completed',
      call_id: nextId('call'),
      name: c.name,
      arguments: JSON.stringify(c.arguments),
    });
  }
  const response = {
    id: nextId('resp'),
    object: 'response',
    status: 'completed',
    model: body.model,
    output,
    usage: {
      input_tokens: 120,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 8 },
      total_tokens: 150,
    },
  };
  const events: Array<{ event: string; data: unknown }> = [
    { event: 'response.created', data: { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } } },
  ];
  output.forEach((item, i) => {
    events.push({ event: 'response.output_item.added', data: { type: 'response.output_item.added', output_index: i, item } });
    if (item.type === 'message')
      events.push({
        event: 'response.output_text.delta',
        data: { type: 'response.output_text.delta', item_id: item.id, output_index: i, content_index: 0, delta: step.text },
      });
    events.push({ event: 'response.output_item.done', data: { type: 'response.output_item.done', output_index: i, item } });
  });
  events.push({ event: 'response.completed', data: { type: 'response.completed', response } });
  sse(res, events);
}

const port = Number(process.argv[2] ?? 0);
const log = process.argv[3];
const server = createServer((req, res) => {
  void readBody(req).then((body) => {
    const url = req.url ?? '/';
    if (log) {
      const tools = Array.isArray(body.tools) ? body.tools.map((t: Obj) => t.name ?? t.type).join(',') : '';
      const summary = {
        model: body.model,
        thinking: body.thinking,
        reasoning: body.reasoning,
        tools,
        stream: body.stream,
        n: (body.messages ?? body.input ?? []).length,
      };
      writeFileSync(log, `${req.method} ${url} ${JSON.stringify(summary)}\n`, { flag: 'a' });
    }
    if (req.method === 'POST' && url.startsWith('/v1/messages/count_tokens')) return void res.end(JSON.stringify({ input_tokens: 10 }));
    if (req.method === 'POST' && url.startsWith('/v1/messages')) return anthropic(res, body);
    if (req.method === 'POST' && url.startsWith('/v1/responses')) return responses(res, body);
    if (req.method === 'GET' && url.startsWith('/v1/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [] }));
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `nothing at ${url}` } }));
  });
});
server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\n\r\n'));
server.listen(port, '127.0.0.1', () => console.log(`mock on ${(server.address() as AddressInfo).port}`));
