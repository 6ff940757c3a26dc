// POST /api/trigger/<connection>: an app asks for a backup when something happens. Its own token
// (a trigger token, "Authorization: Bearer …"), never the UI's; checked first, so a refusal (401)
// says nothing about whether the connection exists. Answers at once (202) with the job id.
// The body is read as text whatever its content type (curl -d sends a form type) and may be empty,
// or JSON {"tag":"gallery-added"}; ?tag=gallery-added does the same for hooks that send no body.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toUserErrorData, type UserErrorData } from '../../shared/errors';
import type { Engine } from '../core/engine';
import type { TriggerAuth } from '../core/trigger/service';

export const TRIGGER_PATH = '/api/trigger/';

const STATUS: Partial<Record<UserErrorData['code'], number>> = { UNAUTHORIZED: 401, INVALID_INPUT: 400, BUSY: 409, PROFILE_NOT_FOUND: 401 };

function refuse(engine: Engine, reply: FastifyReply, err: unknown): FastifyReply {
  const data = toUserErrorData(err);
  const status = STATUS[data.code] ?? 500;
  if (status === 500) engine.log.scope('trigger').error('trigger failed:', err);
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer');
  // No details: the caller is another program, and details are for the log.
  return reply.code(status).send({ ok: false, error: { code: data.code, title: data.title, message: engine.secrets.redact(data.message), hint: data.hint } });
}

function bodyOf(raw: unknown, query: unknown): unknown {
  const text = typeof raw === 'string' ? raw.trim() : '';
  const tag = (query as Record<string, unknown> | undefined)?.tag;
  if (text === '') return typeof tag === 'string' ? { tag } : {};
  try {
    return JSON.parse(text);
  } catch {
    return { notJson: true };
  }
}

/** The trigger route, in its own scope (its own body parser); `serve` and the desktop listener both mount it. */
export async function registerTriggerRoute(app: FastifyInstance, engine: Engine): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));
    const auths = new WeakMap<FastifyRequest, TriggerAuth>();
    scope.post(`${TRIGGER_PATH}:profile`, {
      // The token before the body is even read.
      onRequest: async (req, reply) => {
        try {
          auths.set(req, engine.automation.triggers.authorize((req.params as { profile: string }).profile, req.headers.authorization));
        } catch (err) {
          return refuse(engine, reply, err);
        }
      },
      handler: async (req, reply) => {
        try {
          const auth = auths.get(req);
          if (!auth) throw new Error('trigger without authorization');
          return reply.code(202).send(engine.automation.triggers.fire(auth, bodyOf(req.body, req.query)));
        } catch (err) {
          return refuse(engine, reply, err);
        }
      },
    });
  });
}
