/**
 * @module server/error-handler
 * Every error leaves the server as `{code, message}` with a precise status: validation problems name
 * the field, provider refusals keep the provider's status and reason, and unexpected failures are
 * logged in full but shown as a short 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError } from "../core/errors.js";
import { fieldPath } from "../util/field-path.js";

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { issue?: { path?: (string | number)[]; message?: string } };
}

function describeIssue(issue: ValidationIssue, context: string | undefined): string {
  const segments = issue.params?.issue?.path ?? issue.instancePath?.split("/").filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part)) ?? [];
  const path = fieldPath(segments);
  // A field of the body is named by its path alone; the body itself, or another part, by where it is.
  const where = path ? [context === "body" ? undefined : context, path].filter(Boolean).join(" ") : (context ?? "body");
  return `${where}: ${issue.message}`;
}

export function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    if (error.status >= 500) request.log.error({ err: error }, "request failed");
    return reply.status(error.status).send(error.toJSON());
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fastifyError = error as FastifyError;
    const issues = (fastifyError.validation ?? []) as ValidationIssue[];
    const message = issues.map((issue) => describeIssue(issue, fastifyError.validationContext)).join("; ");
    return reply.status(400).send({ code: "VALIDATION_FAILED", message: message || "The request does not match the schema" });
  }
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return reply.status(status).send({ code: (error as FastifyError).code ?? "BAD_REQUEST", message: error.message });
  }
  request.log.error({ err: error }, "unexpected error");
  return reply.status(500).send({ code: "INTERNAL", message: "The server failed while handling this request; see its log for details" });
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send({ code: "ROUTE_NOT_FOUND", message: `No route ${request.method} ${request.url.split("?")[0]}; see /docs for the API` });
}
