/**
 * @module server/auth/authentication
 * The onRequest hook that identifies every request's caller and turns away requests without a
 * valid key on routes that need one: 401 with a body naming the headers to use and a
 * `WWW-Authenticate: Bearer` challenge. Public routes (see public-routes) are let through either
 * way; a valid key on them still identifies the caller (the full `/health` report). Without keys
 * on loopback, everyone on the machine is trusted, but not a request relayed by a proxy.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiKeyVerifier } from "../../core/api-keys.js";
import type { Caller } from "./caller.js";
import { presentedCredential } from "./credentials.js";
import type { AccessMode } from "./exposure.js";
import type { ApiKey } from "../../core/api-keys.js";
import { isPublicRoute } from "./public-routes.js";

const HOW = "send it as `Authorization: Bearer <key>` or in the `x-api-key` header";
/** Headers a reverse proxy or tunnel adds to say whom it forwards for. */
const PROXY_MARKERS = ["x-forwarded-for", "forwarded", "x-real-ip"] as const;

function cameThroughProxy(request: FastifyRequest): boolean {
  return PROXY_MARKERS.some((header) => request.headers[header] !== undefined);
}

export function installAuthentication(app: FastifyInstance, mode: AccessMode, keys: readonly ApiKey[]): void {
  const verifier = new ApiKeyVerifier(mode.kind === "keys" ? keys : []);
  const open: Caller = Object.freeze({ tenant: undefined, identified: true, mayUseServerMeetingKey: mode.kind === "loopback" });
  const stranger: Caller = Object.freeze({ tenant: undefined, identified: false, mayUseServerMeetingKey: false });

  app.decorateRequest("caller", null);
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    if (!verifier.enabled) {
      if (mode.kind !== "loopback" || !cameThroughProxy(request)) {
        request.caller = open;
        return;
      }
      // A loopback server without keys trusts this machine only; a proxy or tunnel in front of it
      // (which adds these headers) would hand that trust to the internet.
      request.caller = stranger;
      if (isPublicRoute(request.method, request.routeOptions.url)) return;
      request.log.warn("request refused: it came through a proxy and this server has no API keys");
      return reply.status(401).header("www-authenticate", 'Bearer realm="speaking-bots"').send({
        code: "AUTH_REQUIRED",
        message: "This server has no API keys, so it answers only callers on its own machine, and this request came through a proxy or tunnel (X-Forwarded-For). Set SPEAKING_BOTS_API_KEYS on the server and send a key as `Authorization: Bearer <key>`",
      });
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
