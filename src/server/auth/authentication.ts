/**
 * @module server/auth/authentication
 * The onRequest hook that identifies every request's caller and turns away requests without a
 * valid key on routes that need one: 401 with a body naming the headers to use and a
 * `WWW-Authenticate: Bearer` challenge. Public routes (see public-routes) are let through either
 * way; a valid key on them still identifies the caller (the full `/health` report).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiKeyVerifier } from "./api-keys.js";
import type { Caller } from "./caller.js";
import { presentedCredential } from "./credentials.js";
import type { AccessMode } from "./exposure.js";
import type { ApiKey } from "./api-keys.js";
import { isPublicRoute } from "./public-routes.js";

const HOW = "send it as `Authorization: Bearer <key>` or in the `x-api-key` header";

export function installAuthentication(app: FastifyInstance, mode: AccessMode, keys: readonly ApiKey[]): void {
  const verifier = new ApiKeyVerifier(mode.kind === "keys" ? keys : []);
  const open: Caller = { tenant: undefined, identified: true, mayUseServerMeetingKey: mode.kind === "loopback" };
  const stranger: Caller = { tenant: undefined, identified: false, mayUseServerMeetingKey: false };

  app.decorateRequest("caller", null);
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    if (!verifier.enabled) {
      request.caller = open;
      return;
    }
    const credential = presentedCredential(request.headers);
    const tenant = credential.kind === "key" ? verifier.tenantOf(credential.key) : undefined;
    request.caller = tenant ? { tenant, identified: true, mayUseServerMeetingKey: true } : stranger;
    if (tenant || isPublicRoute(request.method, request.routeOptions.url)) return;
    request.log.info({ credential: credential.kind, header: credential.kind === "none" ? undefined : credential.header }, "request refused: no valid API key");
    const [code, message, challenge] =
      credential.kind === "none"
        ? (["AUTH_REQUIRED", `This server needs an API key: ${HOW}`, 'Bearer realm="speaking-bots"'] as const)
        : credential.kind === "malformed"
          ? (["AUTH_INVALID", `Malformed API key: ${credential.problem}`, 'Bearer realm="speaking-bots", error="invalid_request"'] as const)
          : (["AUTH_INVALID", `The API key in the ${credential.header} header is not valid`, 'Bearer realm="speaking-bots", error="invalid_token"'] as const);
    return reply.status(401).header("www-authenticate", challenge).send({ code, message });
  });
}
