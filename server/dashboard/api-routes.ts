import type { FastifyInstance, FastifyReply } from 'fastify';
import { ERROR_CODES, toSfsError, type ErrorCode } from '../../engine/index.js';
import type { DashboardSource, SessionQuery } from './source.js';
import { tar } from './tar.js';

/** The envelope version: the same as the CLI's `--json` output (cli/output.ts). */
export const API_ENVELOPE_VERSION = 1;

const envelope = (command: string, data: unknown) => ({ sfs_json: API_ENVELOPE_VERSION, command, data });

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  INVALID_INPUT: 400,
  UNSAFE_INPUT: 400,
  NOT_FOUND: 404,
  AMBIGUOUS: 409,
  CONFLICT: 409,
  AUTH: 401,
  STORE_BUSY: 503,
  DISK_FULL: 507,
};

const str = (max = 500) => ({ type: 'string', maxLength: max }) as const;
const int = (min: number, max: number) => ({ type: 'integer', minimum: min, maximum: max }) as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false }) as const;
const REF = str(200);
const sessionParams = obj({ id: REF }, ['id']);
const pageQuery = obj({ offset: int(0, 10_000_000), limit: int(1, 500), at_msg: str(300) });

/**
 * The dashboard's JSON API, `/api/v1/…`, as a fastify plugin over a DashboardSource: every answer
 * is `{ sfs_json, command, data }` (or `{ sfs_json, error }`) like the CLI's `--json` output, and
 * matches the schemas in schemas/api/v1/. Requests are checked by the JSON schemas below.
 * Security (token, Host, Origin) is the host's concern: see ui/security.ts.
 */
export async function apiRoutes(app: FastifyInstance, opts: { source: DashboardSource }): Promise<void> {
  const src = opts.source;

  app.setErrorHandler((err: Error & { validation?: unknown; statusCode?: number }, _req, reply: FastifyReply) => {
    if (err.validation)
      return reply.code(400).send({ sfs_json: API_ENVELOPE_VERSION, error: { code: 'USAGE', message: err.message, exit_code: ERROR_CODES.USAGE } });
    const e = toSfsError(err);
    const status = HTTP_STATUS[e.code] ?? 500;
    return reply
      .code(status)
      .send({ sfs_json: API_ENVELOPE_VERSION, error: { code: e.code, message: e.message.replace(/\s*\n\s*/g, ' '), exit_code: ERROR_CODES[e.code] } });
  });

  app.get<{ Querystring: Record<string, string | number | boolean | undefined> }>(
    '/sessions',
    {
      schema: {
        querystring: obj({
          tool: str(64),
          ticket: str(40),
          group: { type: 'boolean' },
          parent: REF,
          project: str(4096),
          since: str(40),
          until: { type: 'string', maxLength: 40 },
          text: str(500),
          alias: { type: 'boolean' },
          deleted: { type: 'boolean' },
          subagents: { type: 'boolean' },
          offset: int(0, 10_000_000),
          limit: int(1, 500),
        }),
      },
    },
    async (req) => envelope('list', await src.listSessions(req.query as SessionQuery)),
  );

  app.get<{ Params: { id: string }; Querystring: { offset?: number; limit?: number; at_msg?: string } }>(
    '/sessions/:id',
    { schema: { params: sessionParams, querystring: pageQuery } },
    async (req) => envelope('show', await src.showSession(req.params.id, req.query)),
  );

  app.get<{ Params: { id: string }; Querystring: { offset?: number; limit?: number; at_msg?: string } }>(
    '/sessions/:id/messages',
    { schema: { params: sessionParams, querystring: pageQuery } },
    async (req) => envelope('show.messages', await src.messages(req.params.id, req.query)),
  );

  app.get<{ Querystring: { q: string; tool?: string; limit?: number } }>(
    '/search',
    { schema: { querystring: obj({ q: { type: 'string', minLength: 1, maxLength: 500 }, tool: str(64), limit: int(1, 100) }, ['q']) } },
    async (req) => envelope('search', await src.search({ query: req.query.q, tool: req.query.tool, limit: req.query.limit })),
  );

  app.post<{ Params: { id: string }; Body: { in?: string } }>(
    '/sessions/:id/resume',
    { schema: { params: sessionParams, body: obj({ in: str(32) }) } },
    async (req) => envelope('resume', await src.resume(req.params.id, req.body?.in)),
  );

  app.post<{ Params: { id: string }; Body: { in?: string } }>(
    '/sessions/:id/resume/launch',
    { schema: { params: sessionParams, body: obj({ in: str(32) }) } },
    async (req) => envelope('resume.launch', await src.launchResume(req.params.id, req.body?.in)),
  );

  app.post<{ Params: { id: string }; Body: { at?: string; name?: string } }>(
    '/sessions/:id/fork',
    { schema: { params: sessionParams, body: obj({ at: str(300), name: str(500) }) } },
    async (req) => envelope('fork', await src.fork(req.params.id, req.body ?? {})),
  );

  app.post<{ Params: { id: string }; Body: { name: string } }>(
    '/sessions/:id/checkpoints',
    { schema: { params: sessionParams, body: obj({ name: str(64) }, ['name']) } },
    async (req) => envelope('checkpoint', await src.checkpoint(req.params.id, req.body.name)),
  );

  app.put<{ Params: { id: string }; Body: { alias: string | null } }>(
    '/sessions/:id/alias',
    { schema: { params: sessionParams, body: obj({ alias: { type: ['string', 'null'], maxLength: 64 } }, ['alias']) } },
    async (req) => envelope('alias', await src.alias(req.params.id, req.body.alias)),
  );

  app.delete<{ Params: { id: string } }>('/sessions/:id', { schema: { params: sessionParams } }, async (req) =>
    envelope('delete', await src.remove(req.params.id)),
  );

  app.post<{ Params: { id: string } }>('/sessions/:id/restore', { schema: { params: sessionParams } }, async (req) =>
    envelope('restore', await src.restore(req.params.id)),
  );

  // A download, not an envelope: the browser saves it as a file.
  app.get<{ Params: { id: string } }>('/sessions/:id/export.md', { schema: { params: sessionParams } }, async (req, reply) => {
    const r = await src.exportMarkdown(req.params.id);
    return reply
      .header('content-type', 'text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="${r.session}.md"`)
      .send(r.markdown);
  });

  // .sfs or a tool's native files: one tar (a .sfs export is a directory, a native one several files).
  app.get<{ Params: { id: string; format: string } }>(
    '/sessions/:id/export/:format',
    { schema: { params: obj({ id: REF, format: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' } }, ['id', 'format']) } },
    async (req, reply) => {
      const r = await src.exportFiles(req.params.id, req.params.format);
      const name = r.filename.replace(/[^A-Za-z0-9._-]/g, '_');
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(tar(r.files));
    },
  );

  const projectQuery = obj({ project: str(4096) });
  app.get<{ Querystring: { project?: string } }>('/project', { schema: { querystring: projectQuery } }, async (req) =>
    envelope('project.show', await src.project(req.query.project)),
  );
  app.get<{ Querystring: { project?: string; q?: string; kind?: string; limit?: number } }>(
    '/project/knowledge',
    { schema: { querystring: obj({ project: str(4096), q: str(500), kind: str(32), limit: int(1, 500) }) } },
    async (req) =>
      envelope('project.knowledge', await src.knowledge({ project: req.query.project, query: req.query.q, kind: req.query.kind, limit: req.query.limit })),
  );
  app.get<{ Querystring: { project?: string } }>('/project/rules', { schema: { querystring: projectQuery } }, async (req) =>
    envelope('rules.show', await src.rules(req.query.project)),
  );

  app.get('/capture', async () => envelope('daemon.status', await src.captureStatus()));
  app.get('/doctor', async () => envelope('doctor', await src.doctor()));
  app.get('/sync', async () => envelope('sync status', await src.syncStatus()));
}
