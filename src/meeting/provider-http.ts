/**
 * @module meeting/provider-http
 * One JSON call to a meeting provider's REST API (Attendee and Recall.ai, both Django REST
 * framework services with `Authorization: Token <key>`): a timeout, the answer parsed, and any
 * non-2xx turned into a ProviderError that keeps the status, the `Retry-After` hint and the
 * provider's own words — including DRF's per-field errors, flattened to `field.sub: message`.
 */
import { ProviderError, errorMessage } from "../core/errors.js";

export interface ProviderCall {
  provider: string;
  baseUrl: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  apiKey: string | undefined;
  body?: unknown;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** A provider's refusal, with the seconds it asked us to wait (429), if it said. */
export class ProviderHttpError extends ProviderError {
  constructor(
    provider: string,
    message: string,
    readonly status: number,
    readonly body: unknown,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(provider, message, { statusCode: status });
    this.name = "ProviderHttpError";
  }
}

export async function callProvider(call: ProviderCall): Promise<unknown> {
  let response: Response;
  try {
    response = await call.fetch(`${call.baseUrl.replace(/\/+$/, "")}${call.path}`, {
      method: call.method,
      headers: {
        authorization: `Token ${call.apiKey ?? ""}`,
        accept: "application/json",
        // Both APIs declare JSON bodies; a body-less POST still says so (an empty object is sent).
        ...(call.method === "POST" ? { "content-type": "application/json" } : {}),
      },
      body: call.method === "POST" ? JSON.stringify(call.body ?? {}) : undefined,
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (error) {
    throw new ProviderError(call.provider, `request ${call.method} ${call.path} failed: ${errorMessage(error)}`, { retryable: true, cause: error });
  }
  const text = await response.text();
  const json = parseJson(text);
  if (response.status >= 200 && response.status < 300) return json;
  throw new ProviderHttpError(call.provider, `${response.status} ${providerReason(json, text)}`, response.status, json, retryAfter(response.headers.get("retry-after")));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/** The provider's own words for a failure: `detail`/`error`/`code`, else its field errors. */
export function providerReason(json: unknown, text: string): string {
  if (json && typeof json === "object" && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    const said = [record.code, record.detail, record.error, record.message].filter((part): part is string => typeof part === "string" && part !== "");
    if (said.length) return [...new Set(said)].join(": ").slice(0, 500);
    const fields = fieldErrors(record, "").slice(0, 5);
    if (fields.length) return fields.join("; ").slice(0, 500);
  }
  return text.replace(/\s+/g, " ").trim().slice(0, 300) || "no reason given";
}

/** DRF's `{"field": ["msg"], "nested": {"sub": "msg"}}` as `field: msg`, `nested.sub: msg`. */
function fieldErrors(value: unknown, path: string): string[] {
  if (typeof value === "string") return [path ? `${path}: ${value}` : value];
  if (Array.isArray(value)) return value.flatMap((item) => fieldErrors(item, path));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => fieldErrors(inner, key === "non_field_errors" ? path : path ? `${path}.${key}` : key));
  }
  return [];
}
