import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DashboardSource } from './source.js';

/**
 * Live updates as server-sent events (`GET /api/v1/events`): while a page listens, the source's
 * position is read every `pollMs` (this catches the projections up with what the daemon
 * appended to the log) and each change is sent as `event: change`. Pages then re-read what
 * they show; nothing is read while no page listens.
 */
export function liveRoutes(source: DashboardSource, pollMs = 500) {
  const clients = new Set<FastifyReply>();
  let timer: NodeJS.Timeout | undefined;
  let last = -1;
  let busy = false;

  const send = (r: FastifyReply, event: string, data: unknown) => r.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const p = await source.position();
      if (p !== last) {
        last = p;
        for (const c of clients) send(c, 'change', { position: p });
      }
    } catch {
      // A store that is briefly busy (another process taking it over) is read on the next tick.
    } finally {
      busy = false;
    }
  };

  return {
    plugin: async (app: FastifyInstance) => {
      app.get('/events', async (req, reply) => {
        openEventStream(reply, 'sfs ui');
        clients.add(reply);
        if (last >= 0) send(reply, 'change', { position: last });
        if (!timer) {
          timer = setInterval(() => void tick(), pollMs);
          void tick();
        }
        const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
        req.raw.on('close', () => {
          clearInterval(ping);
          clients.delete(reply);
          if (!clients.size && timer) {
            clearInterval(timer);
            timer = undefined;
          }
        });
      });
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const c of clients) c.raw.end();
      clients.clear();
    },
  };
}

/** Takes the reply over as a server-sent event stream (its security headers kept) and opens it with a comment. */
export function openEventStream(reply: FastifyReply, comment: string): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  reply.raw.write(`: ${comment}\n\n`);
}
