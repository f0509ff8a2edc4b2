/**
 * @module server/app
 * Builds the Fastify application: zod validation and OpenAPI from the same schemas, Swagger UI at
 * `/docs`, the JSON spec at `/openapi.json`, the REST routes, and the WebSocket endpoints the meeting
 * providers stream to. Listening is left to the caller, so tests can use `inject()` or port 0.
 */
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { BotManager } from "../bots/bot-manager.js";
import type { Config } from "../config.js";
import { type Logger, loggerOptions } from "../logger.js";
import { handleError, handleNotFound } from "./error-handler.js";
import { botRoutes } from "./routes/bots.js";
import { type Health, healthRoutes } from "./routes/health.js";
import { VERSION } from "./version.js";
import { meetingStreamRoutes } from "./ws/meeting-stream.js";

export interface AppDependencies {
  config: Config;
  logger?: Logger;
  bots: BotManager;
  health: () => Health;
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
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(deps.config.LOG_LEVEL) }),
    bodyLimit: 1_000_000,
    trustProxy: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
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
      components: { securitySchemes: { ApiKeyAuth: { type: "apiKey", in: "header", name: "x-meeting-baas-api-key" } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_WS_MESSAGE_BYTES, perMessageDeflate: false } });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(deps.health));
  await app.register(botRoutes(deps.bots));
  await app.register(meetingStreamRoutes(deps.bots));
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}
