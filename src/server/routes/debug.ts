// POST /debug/profile?seconds=10 — the profiler's capture (CPU profiles of the
// main thread and every worker, summary, per-task breakdown, flame graph) of
// a running service, without a restart, as a zip. Off by default: a profile
// shows the process's code and timing to whoever can reach the port, so it
// must be asked for (--debug-profile / HOTPATH_DEBUG_PROFILE=1).
import type { FastifyInstance } from 'fastify';
import { HotpathError } from '../../errors.js';
import { packProfile } from '../../profile/archive.js';
import { captureProfile } from '../../profile/capture.js';
import { queryInt } from '../compute.js';

/** Longest capture over HTTP, s: long enough for a slow path, short of proxies' 60-120 s timeouts. */
export const MAX_PROFILE_SECONDS = 60;

export function debugRoutes(enabled: boolean) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.post<{ Querystring: { seconds?: string } }>('/debug/profile', {
      schema: {
        querystring: {
          type: 'object',
          properties: { seconds: { type: 'string', pattern: '^[0-9]{1,3}$' } },
          additionalProperties: false,
        },
      },
    }, async (request, reply) => {
      if (!enabled) throw new HotpathError('HP_ERR_PROFILING_DISABLED', 'on-demand profiling is off: start the service with --debug-profile (HOTPATH_DEBUG_PROFILE=1)');
      const seconds = queryInt(request.query.seconds, 'seconds', 'HP_ERR_BAD_REQUEST', 1, MAX_PROFILE_SECONDS) ?? 10;
      // A client that goes away stops the capture early.
      const ac = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) ac.abort();
      };
      reply.raw.once('close', onClose);
      try {
        const result = await captureProfile(app.hotpath, { seconds, signal: ac.signal });
        const { body, contentType, fileName } = packProfile(result);
        request.log.info({ seconds, bytes: body.length }, 'profile captured');
        return reply.type(contentType).header('content-disposition', `attachment; filename="${fileName}"`).send(body);
      } finally {
        reply.raw.off('close', onClose);
      }
    });
  };
}
