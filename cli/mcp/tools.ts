import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { SfsError, toSfsError } from '../../engine/errors.js';
import { KNOWLEDGE_KINDS } from '../../engine/model/events.js';
import { createCheckpoint } from '../../engine/ops/checkpoint.js';
import { forkSession } from '../../engine/ops/fork.js';
import { addKnowledge, removeKnowledge } from '../../engine/ops/knowledge.js';
import type { Project } from '../../engine/project/identity.js';
import type { ProjectionDb } from '../../engine/projections/db.js';
import { getSessionContext } from '../../engine/queries/context.js';
import { getProjectContext, getRules, knowledgeCounts, searchKnowledge } from '../../engine/queries/knowledge.js';
import { checkToolName } from '../../engine/queries/known-tools.js';
import { projectSessionIds } from '../../engine/queries/project-sessions.js';
import { findRelatedSessions } from '../../engine/queries/related.js';
import { search } from '../../engine/queries/search.js';
import { listCheckpoints, listSessions, resolveSession } from '../../engine/queries/sessions.js';
import { summarizeSession } from '../../engine/queries/summary.js';
import type { Store } from '../../engine/store.js';
import { parseDateArg } from '../dates.js';
import type { ProjectScope } from './project-scope.js';
import type { StorePool } from './store-pool.js';
import { plural } from '../../engine/plural.js';

/**
 * The SessionFS MCP tools, answered from the projections. Every failure is a tool
 * result with `isError` and a one-line message (with the stable error code), never a
 * protocol error, so the calling agent can read it and try again.
 */
export interface ToolDeps {
  pool: StorePool;
  scope: ProjectScope;
  /** The client's name, recorded as the author of knowledge it adds. */
  clientName: () => string | null;
}

const sessionId = z.string().min(1).describe('session id, alias, or an id prefix of at least 4 characters');
const projectForSessions = z
  .string()
  .optional()
  .describe('"current" for the workspace\'s project, a directory, or a key like github.com/acme/app; omit to search every project');
const projectForKnowledge = z.string().optional().describe('a directory or a key like github.com/acme/app; omit for the workspace\'s project');
const dateArg = (what: string) => z.string().optional().describe(`${what}: an ISO date/time, or an age like 12h, 7d, 2w`);

function text(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }] };
}

function failure(err: unknown): CallToolResult {
  const e = toSfsError(err);
  return { isError: true, content: [{ type: 'text', text: `${e.message} [${e.code}]` }] };
}

export function registerTools(server: McpServer, deps: ToolDeps): void {
  const { pool, scope } = deps;

  /** Runs a handler with the caught-up projections; errors become tool errors. */
  const run =
    <A>(fn: (a: A, store: Store, db: ProjectionDb) => Promise<unknown> | unknown) =>
    async (a: A): Promise<CallToolResult> => {
      try {
        return text(await pool.use(async (store) => fn(a, store, await store.view())));
      } catch (err) {
        return failure(err);
      }
    };

  /** The session ids a `project` argument limits to, or undefined for every project. */
  const sessionFilter = async (db: ProjectionDb, project: string | undefined): Promise<{ ids?: string[]; project?: Project }> => {
    if (!project) return {};
    const p = await scope.resolve(project);
    return { ids: projectSessionIds(db, p), project: p };
  };

  server.registerTool(
    'search_sessions',
    {
      title: 'Search past AI coding sessions',
      description:
        'Full-text search over captured sessions of every AI coding tool (messages, tool calls and results, titles, paths). Words and "quoted phrases" must all match; word* matches a prefix. Returns ranked hits with snippets (matches wrapped in « »).',
      inputSchema: {
        query: z.string().min(1).describe('words and "quoted phrases" to find'),
        tool: z.string().optional().describe('only sessions of this tool (claude-code, codex, gemini, copilot, cursor, amp, cline, roo-code, kilo-code)'),
        project: projectForSessions,
        since: dateArg('only messages from this time on'),
        until: dateArg('only messages before this time'),
        limit: z.number().int().min(1).max(100).optional().describe('at most this many hits (default 20)'),
      },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      checkToolName(db, a.tool, 'tool');
      const f = await sessionFilter(db, a.project);
      const hits = search(db, {
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
    }),
  );

  server.registerTool(
    'list_recent_sessions',
    {
      title: 'List recent sessions',
      description: 'Captured sessions, most recent activity first, with tool, directory, title and message counts.',
      inputSchema: {
        limit: z.number().int().min(1).max(200).optional().describe('at most this many (default 20)'),
        tool: z.string().optional(),
        project: projectForSessions,
        since: dateArg('only sessions active since'),
      },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      checkToolName(db, a.tool, 'tool');
      const f = await sessionFilter(db, a.project);
      const r = listSessions(db, { limit: a.limit ?? 20, tool: a.tool, since: parseDateArg(a.since, 'since'), ids: f.ids });
      return { project: f.project?.key ?? null, total: r.total, sessions: r.sessions };
    }),
  );

  server.registerTool(
    'get_session_context',
    {
      title: "Read a session's recent conversation",
      description:
        'The recent part of a session as text (newest messages first chosen, printed in order), fitted to a token budget; tool calls and results are abbreviated, private reasoning left out.',
      inputSchema: {
        session_id: sessionId,
        max_tokens: z.number().int().min(200).max(200_000).optional().describe('token budget for the text (default 4000)'),
      },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      const c = getSessionContext(db, resolveSession(db, a.session_id), a.max_tokens ?? 4000);
      return `${c.text}\n\n(${c.included_messages} of ${plural(c.total_messages, 'message')}, about ${c.estimated_tokens} tokens)`;
    }),
  );

  server.registerTool(
    'get_session_summary',
    {
      title: 'Summarize what a session did',
      description:
        'Derived from the captured tool calls, no model involved: files read and written, commands run, tests and their outcome, packages installed, errors hit, duration, tokens and cost.',
      inputSchema: { session_id: sessionId },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => summarizeSession(db, resolveSession(db, a.session_id))),
  );

  server.registerTool(
    'find_related_sessions',
    {
      title: 'Find sessions that touched a file or hit an error',
      description: 'Sessions whose messages or tool calls mention a file path, or an error message, ranked by how often.',
      inputSchema: {
        file_path: z.string().min(1).optional().describe('a file path (absolute or relative)'),
        error_text: z.string().min(1).optional().describe('an error message (its first line is what counts)'),
        project: projectForSessions,
        exclude_session_id: z.string().optional().describe('leave this session out (the one you are in)'),
        limit: z.number().int().min(1).max(50).optional().describe('at most this many sessions (default 10)'),
      },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      if (!a.file_path === !a.error_text) throw new SfsError('USAGE', 'give exactly one of file_path or error_text');
      const f = await sessionFilter(db, a.project);
      return { sessions: findRelatedSessions(db, { filePath: a.file_path, errorText: a.error_text, limit: a.limit, sessionIds: f.ids, excludeSession: a.exclude_session_id }) };
    }),
  );

  server.registerTool(
    'list_checkpoints',
    {
      title: "List a session's checkpoints",
      description: 'Named points in a session that a fork can start from.',
      inputSchema: { session_id: sessionId },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      const id = resolveSession(db, a.session_id);
      return { session_id: id, checkpoints: listCheckpoints(db, id) };
    }),
  );

  server.registerTool(
    'checkpoint_session',
    {
      title: 'Checkpoint a session',
      description: 'Names the current end of a session so it can be forked from later.',
      inputSchema: { session_id: sessionId, name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/).describe("letters, digits, '.', '_' or '-' (up to 64)") },
    },
    run(async (a, store, db) => {
      const id = resolveSession(db, a.session_id);
      return { session_id: id, ...(await createCheckpoint(store, id, a.name)) };
    }),
  );

  server.registerTool(
    'fork_session',
    {
      title: 'Fork a session',
      description: 'A new session continuing this one from its end, after a given message, or from a checkpoint (a pointer, not a copy).',
      inputSchema: {
        session_id: sessionId,
        at_message: z.string().optional().describe('a message id, or its 1-based number in the session'),
        checkpoint: z.string().optional().describe('a checkpoint name'),
        name: z.string().max(500).optional().describe('title of the new session'),
      },
    },
    run(async (a, store, db) => {
      const id = resolveSession(db, a.session_id);
      const r = await forkSession(store, id, { at: a.at_message, fromCheckpoint: a.checkpoint, name: a.name });
      return { id: r.id, from: id, at_msg: r.at_msg };
    }),
  );

  server.registerTool(
    'get_project_context',
    {
      title: "Read the project's shared context",
      description: "The project's context document (what the team wrote about it), the rules version, and recent knowledge entries (decisions, patterns, discoveries, conventions, bugs, dependencies).",
      inputSchema: { project: projectForKnowledge, recent: z.number().int().min(0).max(100).optional().describe('how many recent knowledge entries to include (default 10)') },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      const p = await scope.resolve(a.project);
      const ctx = getProjectContext(db, p.key);
      const rules = getRules(db, p.key);
      return {
        project: p.key,
        root: p.root || null,
        context: ctx?.text ?? null,
        context_updated_at: ctx?.updated_at ?? null,
        rules: rules ? { version: rules.version, hash: rules.hash, updated_at: rules.updated_at } : null,
        knowledge_counts: knowledgeCounts(db, p.key),
        recent_knowledge: searchKnowledge(db, { project: p.key, limit: a.recent ?? 10 }),
        ...(ctx ? {} : { hint: 'no context document yet: a person can write one with `sfs project init` / `sfs project edit`' }),
      };
    }),
  );

  server.registerTool(
    'get_rules',
    {
      title: "Read the project's agent rules",
      description: 'The canonical rule set the team keeps for AI agents in this project (the source of CLAUDE.md, AGENTS.md, GEMINI.md, Cursor and Copilot rules).',
      inputSchema: { project: projectForKnowledge },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      const p = await scope.resolve(a.project);
      const r = getRules(db, p.key);
      return r ?? { project: p.key, text: null, hint: 'no rules yet: `sfs rules init` creates them' };
    }),
  );

  server.registerTool(
    'add_knowledge',
    {
      title: 'Record project knowledge',
      description:
        'Adds an entry to the project\'s shared knowledge: a decision, pattern, discovery, convention, bug or dependency worth remembering in later sessions. Keep it short and self-contained.',
      inputSchema: {
        kind: z.enum(KNOWLEDGE_KINDS),
        content: z.string().min(1).max(65536).describe('the knowledge itself'),
        title: z.string().max(500).optional(),
        tags: z.array(z.string().max(100)).max(50).optional(),
        session_id: z.string().optional().describe('the session this came out of, if known'),
        project: projectForKnowledge,
      },
    },
    run(async (a, store, db) => {
      const p = await scope.resolve(a.project);
      const sid = a.session_id ? resolveSession(db, a.session_id) : null;
      const r = await addKnowledge(store, {
        project: p.key,
        kind: a.kind,
        text: a.content,
        title: a.title,
        tags: a.tags,
        author: { kind: 'agent', name: deps.clientName() },
        sessionId: sid,
      });
      return { project: p.key, entry_id: r.entry_id };
    }),
  );

  server.registerTool(
    'remove_knowledge',
    {
      title: 'Remove project knowledge',
      description:
        "Removes an entry from the project's shared knowledge when it is wrong or outdated (for everyone the project syncs with). Give the entry_id from search_project_knowledge or get_project_context, and say why.",
      inputSchema: {
        entry_id: z.string().min(1).describe('the entry id (kn_…), or a unique prefix of it'),
        reason: z.string().max(2000).optional().describe('why it is removed, e.g. what replaced it'),
        project: projectForKnowledge,
      },
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    run(async (a, store) => {
      const p = await scope.resolve(a.project);
      const r = await removeKnowledge(store, { project: p.key, entry: a.entry_id, reason: a.reason, author: { kind: 'agent', name: deps.clientName() } });
      return { project: p.key, entry_id: r.entry_id, removed: r.removed };
    }),
  );

  server.registerTool(
    'search_project_knowledge',
    {
      title: 'Search project knowledge',
      description: "Searches the project's knowledge entries (ranked); without a query, lists the newest.",
      inputSchema: {
        query: z.string().optional().describe('words and "quoted phrases" that must all match'),
        kind: z.enum(KNOWLEDGE_KINDS).optional(),
        limit: z.number().int().min(1).max(100).optional().describe('default 20'),
        project: projectForKnowledge,
      },
      annotations: { readOnlyHint: true },
    },
    run(async (a, _store, db) => {
      const p = await scope.resolve(a.project);
      return { project: p.key, entries: searchKnowledge(db, { project: p.key, query: a.query, kind: a.kind, limit: a.limit }) };
    }),
  );
}
