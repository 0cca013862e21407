import { z } from 'zod';
import {
  SfsError,
  createCheckpoint,
  forkSession,
  getSessionContext,
  checkToolName,
  plural,
  findRelatedSessions,
  search,
  listCheckpoints,
  listSessions,
  resolveSession,
  summarizeSession,
} from '../../../engine/index.js';
import { parseDateArg } from '../../dates.js';
import { dateArg, defineTool, looseItem, projectForSessionsArg, sessionFilter, sessionIdArg } from './definition.js';

const nullableString = z.string().nullable();
const sessionItem = looseItem({ id: z.string(), title: z.string(), tool: nullableString, cwd: nullableString });
const checkpointItem = looseItem({ name: z.string(), at_msg: nullableString });

const searchSessions = defineTool({
  name: 'search_sessions',
  title: 'Search past AI coding sessions',
  description:
    'Full-text search over captured sessions of every AI coding tool (messages, tool calls and results, titles, paths). Words and "quoted phrases" must all match; word* matches a prefix. Returns ranked hits with snippets (matches wrapped in « »).',
  input: {
    query: z.string().min(1).describe('words and "quoted phrases" to find'),
    tool: z.string().optional().describe('only sessions of this tool (claude-code, codex, gemini, copilot, cursor, amp, cline, roo-code, kilo-code)'),
    project: projectForSessionsArg,
    since: dateArg('only messages from this time on'),
    until: dateArg('only messages before this time'),
    limit: z.number().int().min(1).max(100).optional().describe('at most this many hits (default 20)'),
  },
  output: {
    query: z.string(),
    project: nullableString.describe('the project key the search was limited to'),
    hits: z.array(
      looseItem({
        kind: z.enum(['message', 'session']),
        session_id: z.string(),
        msg_id: nullableString,
        title: z.string(),
        score: z.number(),
        snippet: z.string(),
      }),
    ),
  },
  annotations: { readOnlyHint: true },
  async handler(a, ctx) {
    checkToolName(ctx.db, a.tool, 'tool');
    const f = await sessionFilter(ctx, a.project);
    const hits = search(ctx.db, {
      query: a.query,
      tool: a.tool,
      since: parseDateArg(a.since, 'since'),
      until: parseDateArg(a.until, 'until'),
      limit: a.limit ?? 20,
      sessionIds: f.ids,
    });
    return {
      query: a.query,
      project: f.project?.key ?? null,
      hits: hits.map((h) => ({ ...h, snippet: h.snippet.replace(/\u0002/g, '«').replace(/\u0003/g, '»') })),
    };
  },
});

const listRecentSessions = defineTool({
  name: 'list_recent_sessions',
  title: 'List recent sessions',
  description: 'Captured sessions, most recent activity first, with tool, directory, title and message counts.',
  input: {
    limit: z.number().int().min(1).max(200).optional().describe('at most this many (default 20)'),
    tool: z.string().optional(),
    project: projectForSessionsArg,
    since: dateArg('only sessions active since'),
  },
  output: { project: nullableString, total: z.number().int(), sessions: z.array(sessionItem) },
  annotations: { readOnlyHint: true },
  async handler(a, ctx) {
    checkToolName(ctx.db, a.tool, 'tool');
    const f = await sessionFilter(ctx, a.project);
    const r = listSessions(ctx.db, { limit: a.limit ?? 20, tool: a.tool, since: parseDateArg(a.since, 'since'), ids: f.ids });
    return { project: f.project?.key ?? null, total: r.total, sessions: r.sessions };
  },
});

const getSessionContextTool = defineTool({
  name: 'get_session_context',
  title: "Read a session's recent conversation",
  description:
    'The recent part of a session as text (newest messages first chosen, printed in order), fitted to a token budget; tool calls and results are abbreviated, private reasoning left out.',
  input: {
    session_id: sessionIdArg,
    max_tokens: z.number().int().min(200).max(200_000).optional().describe('token budget for the text (default 4000)'),
  },
  output: {
    id: z.string(),
    title: z.string(),
    tool: nullableString,
    cwd: nullableString,
    total_messages: z.number().int(),
    included_messages: z.number().int().describe('how many of the newest messages the text holds, oldest first'),
    estimated_tokens: z.number().int(),
    text: z.string(),
  },
  annotations: { readOnlyHint: true },
  text: (c) => `${c.text}\n\n(${c.included_messages} of ${plural(c.total_messages, 'message')}, about ${c.estimated_tokens} tokens)`,
  handler: (a, ctx) => getSessionContext(ctx.db, resolveSession(ctx.db, a.session_id), a.max_tokens ?? 4000),
});

const getSessionSummary = defineTool({
  name: 'get_session_summary',
  title: 'Summarize what a session did',
  description:
    'Derived from the captured tool calls, no model involved: files read and written, commands run, tests and their outcome, packages installed, errors hit, duration, tokens and cost.',
  input: { session_id: sessionIdArg },
  output: {
    id: z.string(),
    title: z.string(),
    tool: nullableString,
    cwd: nullableString,
    created_at: nullableString,
    updated_at: nullableString,
    duration_ms: z.number().nullable().describe('first to last message'),
    active_ms: z.number().describe('time between messages at most 15 minutes apart'),
    message_count: z.number().int(),
    tool_calls: z.number().int(),
    files_read: z.array(z.string()),
    files_written: z.array(z.string()),
    commands: z.array(looseItem({ command: z.string(), exit_code: z.number().nullable(), failed: z.boolean() })),
    tests: z.array(looseItem({ command: z.string(), outcome: z.enum(['passed', 'failed', 'unknown']) })),
    packages: z.array(looseItem({ manager: z.string(), packages: z.array(z.string()), command: z.string() })),
    errors: z.array(looseItem({ tool: z.string(), message: z.string() })),
    usage: looseItem({
      input_tokens: z.number(),
      output_tokens: z.number(),
      cache_read_tokens: z.number(),
      cache_write_tokens: z.number(),
      reasoning_tokens: z.number(),
    }),
    cost_usd: z.number().nullable(),
  },
  annotations: { readOnlyHint: true },
  handler: (a, ctx) => summarizeSession(ctx.db, resolveSession(ctx.db, a.session_id)),
});

const findRelated = defineTool({
  name: 'find_related_sessions',
  title: 'Find sessions that touched a file or hit an error',
  description: 'Sessions whose messages or tool calls mention a file path, or an error message, ranked by how often.',
  input: {
    file_path: z.string().min(1).optional().describe('a file path (absolute or relative)'),
    error_text: z.string().min(1).optional().describe('an error message (its first line is what counts)'),
    project: projectForSessionsArg,
    exclude_session_id: z.string().optional().describe('leave this session out (the one you are in)'),
    limit: z.number().int().min(1).max(50).optional().describe('at most this many sessions (default 10)'),
  },
  output: { sessions: z.array(looseItem({ session_id: z.string() })) },
  annotations: { readOnlyHint: true },
  async handler(a, ctx) {
    if (!a.file_path === !a.error_text) throw new SfsError('USAGE', 'give exactly one of file_path or error_text');
    const f = await sessionFilter(ctx, a.project);
    return {
      sessions: findRelatedSessions(ctx.db, {
        filePath: a.file_path,
        errorText: a.error_text,
        limit: a.limit,
        sessionIds: f.ids,
        excludeSession: a.exclude_session_id,
      }),
    };
  },
});

const listCheckpointsTool = defineTool({
  name: 'list_checkpoints',
  title: "List a session's checkpoints",
  description: 'Named points in a session that a fork can start from.',
  input: { session_id: sessionIdArg },
  output: { session_id: z.string(), checkpoints: z.array(checkpointItem) },
  annotations: { readOnlyHint: true },
  handler(a, ctx) {
    const id = resolveSession(ctx.db, a.session_id);
    return { session_id: id, checkpoints: listCheckpoints(ctx.db, id) };
  },
});

const checkpointSession = defineTool({
  name: 'checkpoint_session',
  title: 'Checkpoint a session',
  description: 'Names the current end of a session so it can be forked from later.',
  input: {
    session_id: sessionIdArg,
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
      .describe("letters, digits, '.', '_' or '-' (up to 64)"),
  },
  output: { session_id: z.string(), name: z.string(), at_msg: nullableString },
  annotations: { destructiveHint: false },
  async handler(a, ctx) {
    const id = resolveSession(ctx.db, a.session_id);
    return { session_id: id, ...(await createCheckpoint(ctx.store, id, a.name)) };
  },
});

const forkSessionTool = defineTool({
  name: 'fork_session',
  title: 'Fork a session',
  description: 'A new session continuing this one from its end, after a given message, or from a checkpoint (a pointer, not a copy).',
  input: {
    session_id: sessionIdArg,
    at_message: z.string().optional().describe('a message id, or its 1-based number in the session'),
    checkpoint: z.string().optional().describe('a checkpoint name'),
    name: z.string().max(500).optional().describe('title of the new session'),
  },
  output: { id: z.string().describe('the new session'), from: z.string(), at_msg: nullableString },
  annotations: { destructiveHint: false },
  async handler(a, ctx) {
    const id = resolveSession(ctx.db, a.session_id);
    const r = await forkSession(ctx.store, id, { at: a.at_message, fromCheckpoint: a.checkpoint, name: a.name });
    return { id: r.id, from: id, at_msg: r.at_msg };
  },
});

/** Tools that find, read, summarise, checkpoint and fork sessions. */
export const SESSION_TOOLS = [
  searchSessions,
  listRecentSessions,
  getSessionContextTool,
  getSessionSummary,
  findRelated,
  listCheckpointsTool,
  checkpointSession,
  forkSessionTool,
];
