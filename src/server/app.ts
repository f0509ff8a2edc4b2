/**
 * @module server/app
 * Builds the Fastify application: zod validation and OpenAPI from the same schemas, Swagger UI at
 * `/docs`, the JSON spec at `/openapi.json`, the REST routes, and the WebSocket endpoints the meeting
 * providers stream to. API keys, rate limits and socket timeouts are installed before any route.
 * Listening is left to the caller, so tests can use `inject()` or port 0.
 */
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { BotManager } from "../bots/bot-manager.js";
import type { Config } from "../config.js";
import { type Logger, loggerOptions } from "../logger.js";
import { installAuthentication } from "./auth/authentication.js";
import { type AccessMode, accessMode, describeAccess } from "./auth/exposure.js";
import { isPublicRoute } from "./auth/public-routes.js";
import { handleError, handleNotFound } from "./error-handler.js";
import { registerRateLimiting } from "./limits/rate-limits.js";
import { type ServerLimits, availableMemory, describeLimits, resolveLimits } from "./limits/server-limits.js";
import { botRoutes } from "./routes/bots.js";
import { type Health, healthRoutes } from "./routes/health.js";
import { VERSION } from "../core/version.js";
import { meetingStreamRoutes } from "./ws/meeting-stream.js";

export interface AppDependencies {
  config: Config;
  logger?: Logger;
  bots: BotManager;
  health: () => Health;
  /** A public tunnel forwards the internet to this server, loopback or not. */
  publicTunnel?: boolean;
  /** Resolved limits; by default derived from the configuration and this machine's memory. */
  limits?: ServerLimits;
  /** Replaces the `/bots` routes (cluster roles serve them from Redis, or not at all). */
  botRoutes?: FastifyPluginAsync;
  /** Further route plugins (personas, metrics, the built-in room, the Pipecat bridge). */
  plugins?: FastifyPluginAsync[];
}

/** Largest WebSocket message accepted: one second of 48 kHz PCM, far above any real frame. */
export const MAX_WS_MESSAGE_BYTES = 96_000;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  // Fastify types the instance by its logger; callers only need the default instance type.
  return buildFastify(deps) as unknown as Promise<FastifyInstance>;
}

async function buildFastify(deps: AppDependencies) {
  // Refuses (throws) before anything listens when keys are missing on a reachable interface.
  const access: AccessMode = accessMode(deps.config, { tunnel: deps.publicTunnel });
  const limits = deps.limits ?? resolveLimits(deps.config, { memoryBytes: availableMemory(), localSpeechToText: true });
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(deps.config.LOG_LEVEL) }),
    bodyLimit: 1_000_000,
    trustProxy: true,
    // Slow or idle clients cannot hold sockets open: the request must arrive in time, and a socket
    // with no traffic is closed (longer than any handler, such as an LLM writing a persona, takes).
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks both deadlines on this interval (30 s by default, which would stretch them).
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    // By the time the app closes every bot has left: a connection still open (a half-finished
    // upgrade, a slow client) is cut rather than holding shutdown for the idle timeout.
    forceCloseConnections: true,
  });
  const announced = describeAccess(access, deps.config.HOST);
  app.log[announced.level]({ access: access.kind }, announced.message);
  app.log.info({ limits: describeLimits(limits) }, "limits");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // Typed by its pino logger, the instance is still an ordinary FastifyInstance to these helpers.
  const root = app as unknown as FastifyInstance;
  installAuthentication(root, access, deps.config.SPEAKING_BOTS_API_KEYS);
  await registerRateLimiting(root);
  // DELETE /bots/{id} is sent both with `{}` and with an empty JSON body; accept both.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body).trim();
    if (text === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error("The request body is not valid JSON"), { statusCode: 400, code: "INVALID_JSON" }), undefined);
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: "Speaking Bots API", version: VERSION, description: "Send AI speaking bots with personas into video meetings." },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "An API key from SPEAKING_BOTS_API_KEYS (needed when the server has keys)" },
          apiKeyHeader: { type: "apiKey", in: "header", name: "x-api-key", description: "The same API key, for clients that cannot send Authorization" },
        },
      },
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    },
    // Public routes are documented as needing no key, from the same list the hook enforces.
    transform: (input) => {
      const output = jsonSchemaTransform(input);
      const method = [input.route.method].flat()[0] ?? "GET";
      return isPublicRoute(String(method), input.url) ? { ...output, schema: { ...output.schema, security: [] } } : output;
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_WS_MESSAGE_BYTES, perMessageDeflate: false } });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(deps.health));
  await app.register(deps.botRoutes ?? botRoutes(deps.bots, limits));
  await app.register(meetingStreamRoutes(deps.bots));
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}
