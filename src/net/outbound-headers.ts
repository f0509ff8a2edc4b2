/**
 * @module net/outbound-headers
 * Headers a request asks us to send to a URL of its choice (a bearer token for an MCP server, a
 * cookie for an intranet page): validated so they cannot split requests or override framing, kept
 * off plain HTTP to public hosts, and shown only as names wherever they are described.
 */
import { z } from "zod";

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Headers that decide how the request is framed or routed: ours to set, never a caller's. */
const RESERVED = new Set(["host", "content-length", "connection", "transfer-encoding", "upgrade", "te", "trailer", "keep-alive", "expect"]);

export const outboundHeadersSchema = z
  .record(z.string(), z.string().max(8192))
  .superRefine((headers, context) => {
    const names = Object.keys(headers);
    if (names.length > 20) context.addIssue({ code: "custom", message: "at most 20 headers" });
    for (const name of names) {
      const lower = name.toLowerCase();
      if (!TOKEN.test(name)) context.addIssue({ code: "custom", path: [name], message: "is not a valid header name" });
      else if (RESERVED.has(lower) || lower.startsWith("proxy-")) context.addIssue({ code: "custom", path: [name], message: "is set by the server and may not be sent" });
      // Values are checked without echoing them: they are usually secrets.
      else if (/[\r\n\0]/.test(headers[name] ?? "")) context.addIssue({ code: "custom", path: [name], message: "value may not contain line breaks" });
    }
  });

/** Whether sending headers to this URL would put them on the wire in clear text to a public host. */
export function headersWouldLeak(url: string, headers: Record<string, string> | undefined, allowlisted: boolean): boolean {
  return Boolean(headers && Object.keys(headers).length && url.startsWith("http:") && !allowlisted);
}

/** Header names only, for logs and descriptions. */
export function headerNames(headers: Record<string, string> | undefined): string[] {
  return Object.keys(headers ?? {});
}
