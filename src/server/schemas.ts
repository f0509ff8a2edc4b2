/**
 * @module server/schemas
 * Response schemas shared by several routes, so the OpenAPI document describes errors once.
 */
import { z } from "zod";
import { ERROR_CODES } from "../core/errors.js";

export const errorSchema = z
  .object({
    code: z.string().describe(`A stable error code: ${Object.keys(ERROR_CODES).join(", ")}, VALIDATION_FAILED, ROUTE_NOT_FOUND`),
    message: z.string().describe("What went wrong and what to do about it"),
  })
  .catchall(z.unknown());

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  422: errorSchema,
  429: errorSchema,
  500: errorSchema,
  502: errorSchema,
  503: errorSchema,
} as const;
