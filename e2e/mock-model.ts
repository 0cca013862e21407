import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted model endpoint for the real CLIs, on 127.0.0.1 only. It speaks just enough of
 * four APIs (Anthropic Messages, OpenAI Responses, Gemini generateContent, OpenAI Chat
 * Completions), always answers with the text REPLY, and records every request so the test
 * can check what history each CLI sent.
 */
export const REPLY = 'E2E_MOCK_REPLY';

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

export interface MockModel {
  url: string;
  port: number;
  requests: Recorded[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : null);
      } catch {
        resolve(text);
      }
    });
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function sse(res: ServerResponse, events: Array<{ event?: string; data: unknown }>, done = false): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

/** A value that satisfies a JSON schema (routers and title requests ask for structured output). */
export function valueFor(schema: unknown): unknown {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (String(type ?? (s.properties ? 'object' : 'string')).toLowerCase()) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) out[k] = valueFor(v);
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return false;
    default:
      return 'e2e';
  }
}

function anthropic(res: ServerResponse, body: Record<string, unknown>): void {
  const model = String(body.model ?? 'claude');
  const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const message = { id: 'msg_e2e', type: 'message', role: 'assistant', model, content: [] as unknown[], stop_reason: null, stop_sequence: null, usage };
  if (!body.stream) return json(res, 200, { ...message, content: [{ type: 'text', text: REPLY }], stop_reason: 'end_turn' });
  sse(res, [
    { event: 'message_start', data: { type: 'message_start', message } },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: REPLY } } },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}

function responses(res: ServerResponse, body: Record<string, unknown>): void {
  const text = (body.text as { format?: { type?: string; schema?: unknown } } | undefined)?.format;
  const answer = text?.type === 'json_schema' ? JSON.stringify(valueFor(text.schema)) : REPLY;
  const item = { type: 'message', id: 'msg_e2e', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: answer, annotations: [] }] };
  const response = {
    id: `resp_e2e_${Date.now()}`,
    object: 'response',
    status: 'completed',
    model: body.model,
    output: [item],
    usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 },
  };
  sse(res, [
    { event: 'response.created', data: { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } } },
    {
      event: 'response.output_item.added',
      data: { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
    },
    { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', item_id: 'msg_e2e', output_index: 0, content_index: 0, delta: answer } },
    { event: 'response.output_item.done', data: { type: 'response.output_item.done', output_index: 0, item } },
    { event: 'response.completed', data: { type: 'response.completed', response } },
  ]);
}

function gemini(res: ServerResponse, path: string, body: Record<string, unknown>): void {
  if (path.includes(':countTokens')) return json(res, 200, { totalTokens: 10 });
  const cfg = (body.generationConfig ?? {}) as Record<string, unknown>;
  const schema = cfg.responseJsonSchema ?? cfg.responseSchema;
  const text = schema ? JSON.stringify(valueFor(schema)) : REPLY;
  const chunk = {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: 'mock',
  };
  if (path.includes(':streamGenerateContent')) return sse(res, [{ data: chunk }]);
  json(res, 200, chunk);
}

function chat(res: ServerResponse, body: Record<string, unknown>): void {
  const base = { id: 'chatcmpl-e2e', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model };
  if (!body.stream) {
    return json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: REPLY }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  }
  sse(
    res,
    [
      { data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: REPLY }, finish_reason: null }] } },
      { data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
      { data: { ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } },
    ],
    true,
  );
}

async function handle(req: IncomingMessage, res: ServerResponse, requests: Recorded[]): Promise<void> {
  const body = await readBody(req);
  const path = req.url ?? '/';
  requests.push({ method: req.method ?? 'GET', path, body });
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (req.method === 'POST' && path.startsWith('/v1/messages/count_tokens')) return json(res, 200, { input_tokens: 10 });
  if (req.method === 'POST' && path.startsWith('/v1/messages')) return anthropic(res, b);
  if (req.method === 'POST' && path.startsWith('/v1/responses')) return responses(res, b);
  if (req.method === 'POST' && path.startsWith('/v1/chat/completions')) return chat(res, b);
  if (path.startsWith('/v1beta/models/') && req.method === 'POST') return gemini(res, path, b);
  if (req.method === 'GET' && path.startsWith('/v1/models'))
    return json(res, 200, { object: 'list', data: [{ id: 'gpt-5.4', object: 'model', owned_by: 'mock' }] });
  json(res, 404, { error: { message: `mock: nothing at ${req.method} ${path}` } });
}

export async function startMockModel(): Promise<MockModel> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    handle(req, res, requests).catch((err) => json(res, 500, { error: { message: String(err) } }));
  });
  // A WebSocket upgrade (Codex's built-in provider) is refused; the custom provider the suite configures uses HTTP.
  server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\n\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
