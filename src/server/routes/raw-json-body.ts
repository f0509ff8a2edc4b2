/**
 * @module server/routes/raw-json-body
 * For routes whose requests are signed over the exact bytes sent (provider webhooks): JSON bodies
 * are parsed as usual, and the raw text is kept beside each request for the signature check.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";

/** Replaces this plugin scope's JSON parser; read a request's raw body from the returned map. */
export function keepRawJsonBodies(app: Pick<FastifyInstance, "removeContentTypeParser" | "addContentTypeParser">): WeakMap<FastifyRequest, string> {
  const rawBodies = new WeakMap<FastifyRequest, string>();
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 256_000 }, (request, body, done) => {
    const text = String(body);
    rawBodies.set(request, text);
    try {
      done(null, text.trim() === "" ? undefined : JSON.parse(text));
    } catch {
      done(Object.assign(new Error("body: not valid JSON"), { statusCode: 400, code: "INVALID_JSON" }), undefined);
    }
  });
  return rawBodies;
}
