import { z } from 'zod';
import {
  KNOWLEDGE_KINDS,
  addKnowledge,
  removeKnowledge,
  getProjectContext,
  getRules,
  knowledgeCounts,
  searchKnowledge,
  resolveSession,
} from '../../../engine/index.js';
import { defineTool, looseItem, projectForKnowledgeArg } from './definition.js';

const nullableString = z.string().nullable();
const entryItem = looseItem({
  entry_id: z.string(),
  project: z.string(),
  kind: z.enum(KNOWLEDGE_KINDS),
  title: nullableString,
  text: z.string(),
  tags: z.array(z.string()),
});

const getProjectContextTool = defineTool({
  name: 'get_project_context',
  title: "Read the project's shared context",
  description:
    "The project's context document (what the team wrote about it), the rules version, and recent knowledge entries (decisions, patterns, discoveries, conventions, bugs, dependencies).",
  input: {
    project: projectForKnowledgeArg,
    recent: z.number().int().min(0).max(100).optional().describe('how many recent knowledge entries to include (default 10)'),
  },
  output: {
    project: z.string(),
    root: nullableString,
    context: nullableString,
    context_updated_at: nullableString,
    rules: z.object({ version: z.number().int(), hash: z.string(), updated_at: nullableString }).nullable(),
    knowledge_counts: z.record(z.string(), z.number().int()),
    recent_knowledge: z.array(entryItem),
    hint: z.string().optional(),
  },
  annotations: { readOnlyHint: true },
  async handler(a, ctx) {
    const p = await ctx.deps.scope.resolve(a.project);
    const c = getProjectContext(ctx.db, p.key);
    const rules = getRules(ctx.db, p.key);
    return {
      project: p.key,
      root: p.root || null,
      context: c?.text ?? null,
      context_updated_at: c?.updated_at ?? null,
      rules: rules ? { version: rules.version, hash: rules.hash, updated_at: rules.updated_at } : null,
      knowledge_counts: knowledgeCounts(ctx.db, p.key),
      recent_knowledge: searchKnowledge(ctx.db, { project: p.key, limit: a.recent ?? 10 }),
      ...(c ? {} : { hint: 'no context document yet: a person can write one with `sfs project init` / `sfs project edit`' }),
    };
  },
});

const getRulesTool = defineTool({
  name: 'get_rules',
  title: "Read the project's agent rules",
  description: 'The canonical rule set the team keeps for AI agents in this project (the source of CLAUDE.md, AGENTS.md, GEMINI.md, Cursor and Copilot rules).',
  input: { project: projectForKnowledgeArg },
  output: {
    project: z.string(),
    text: nullableString.describe('the rules, or null when the project has none yet'),
    hash: z.string().optional(),
    version: z.number().int().optional(),
    updated_at: nullableString.optional(),
    hint: z.string().optional(),
  },
  annotations: { readOnlyHint: true },
  async handler(a, ctx) {
    const p = await ctx.deps.scope.resolve(a.project);
    return getRules(ctx.db, p.key) ?? { project: p.key, text: null, hint: 'no rules yet: `sfs rules init` creates them' };
  },
});

const addKnowledgeTool = defineTool({
  name: 'add_knowledge',
  title: 'Record project knowledge',
  description:
    "Adds an entry to the project's shared knowledge: a decision, pattern, discovery, convention, bug or dependency worth remembering in later sessions. Keep it short and self-contained.",
  input: {
    kind: z.enum(KNOWLEDGE_KINDS),
    content: z.string().min(1).max(65536).describe('the knowledge itself'),
    title: z.string().max(500).optional(),
    tags: z.array(z.string().max(100)).max(50).optional(),
    session_id: z.string().optional().describe('the session this came out of, if known'),
    project: projectForKnowledgeArg,
  },
  output: { project: z.string(), entry_id: z.string() },
  annotations: { destructiveHint: false },
  async handler(a, ctx) {
    const p = await ctx.deps.scope.resolve(a.project);
    const sid = a.session_id ? resolveSession(ctx.db, a.session_id) : null;
    const r = await addKnowledge(ctx.store, {
      project: p.key,
      kind: a.kind,
      text: a.content,
      title: a.title,
      tags: a.tags,
      author: { kind: 'agent', name: ctx.deps.clientName() },
      sessionId: sid,
    });
    return { project: p.key, entry_id: r.entry_id };
  },
});

const removeKnowledgeTool = defineTool({
  name: 'remove_knowledge',
  title: 'Remove project knowledge',
  description:
    "Removes an entry from the project's shared knowledge when it is wrong or outdated (for everyone the project syncs with). Give the entry_id from search_project_knowledge or get_project_context, and say why.",
  input: {
    entry_id: z.string().min(1).describe('the entry id (kn_…), or a unique prefix of it'),
    reason: z.string().max(2000).optional().describe('why it is removed, e.g. what replaced it'),
    project: projectForKnowledgeArg,
  },
  output: { project: z.string(), entry_id: z.string(), removed: z.boolean().describe('false when it was already removed') },
  annotations: { destructiveHint: true, idempotentHint: true },
  async handler(a, ctx) {
    const p = await ctx.deps.scope.resolve(a.project);
    const r = await removeKnowledge(ctx.store, { project: p.key, entry: a.entry_id, reason: a.reason, author: { kind: 'agent', name: ctx.deps.clientName() } });
    return { project: p.key, entry_id: r.entry_id, removed: r.removed };
  },
});

const searchProjectKnowledge = defineTool({
  name: 'search_project_knowledge',
  title: 'Search project knowledge',
  description: "Searches the project's knowledge entries (ranked); without a query, lists the newest.",
  input: {
    query: z.string().optional().describe('words and "quoted phrases" that must all match'),
    kind: z.enum(KNOWLEDGE_KINDS).optional(),
    limit: z.number().int().min(1).max(100).optional().describe('default 20'),
    project: projectForKnowledgeArg,
  },
  output: { project: z.string(), entries: z.array(entryItem) },
  annotations: { readOnlyHint: true },
  async handler(a, ctx) {
    const p = await ctx.deps.scope.resolve(a.project);
    return { project: p.key, entries: searchKnowledge(ctx.db, { project: p.key, query: a.query, kind: a.kind, limit: a.limit }) };
  },
});

/** Tools over the project's shared context, rules and knowledge. */
export const KNOWLEDGE_TOOLS = [getProjectContextTool, getRulesTool, addKnowledgeTool, removeKnowledgeTool, searchProjectKnowledge];
