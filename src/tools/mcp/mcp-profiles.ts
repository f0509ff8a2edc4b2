/**
 * @module tools/mcp/mcp-profiles
 * Named MCP server presets from the server's own configuration (MCP_PROFILES_FILE, YAML or JSON),
 * picked by requests with `mcp_profile`. Being the operator's, they may do what a request may
 * not: reach loopback or private addresses, and start local servers as processes (stdio).
 *
 * Tool access is read-only unless the request asks for `read_write`:
 * - read_only: the server's `tool_allowlist`, or else the tools the server marks `readOnlyHint`;
 * - read_write: additionally `read_write_tools`, or else every tool not marked destructive.
 *
 * ```yaml
 * profiles:
 *   professional:
 *     instructions: Use retrieve_tools first, then call_tool_read.
 *     servers:
 *       - name: mcpproxy-professional
 *         transport: streamable_http
 *         url: http://127.0.0.1:8111/mcp
 *         tool_allowlist: [retrieve_tools, call_tool_read, read_cache, set_profile]
 *         read_write_tools: [call_tool_write]
 *       - name: files
 *         transport: stdio
 *         command: npx
 *         args: ["-y", "@modelcontextprotocol/server-filesystem", "/srv/meeting-docs"]
 * ```
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { fieldPath } from "../../util/field-path.js";

const toolNames = z.array(z.string().min(1).max(200)).max(200);

const profileServerSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    enabled: z.boolean().default(true),
    transport: z.enum(["streamable_http", "http", "sse", "stdio"]),
    url: z.url({ protocol: /^https?$/ }).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().optional(),
    tool_allowlist: toolNames.optional(),
    read_write_tools: toolNames.optional(),
    timeout_seconds: z.number().min(0.1).max(300).optional(),
    instructions: z.string().max(4000).optional(),
  })
  .strict()
  .superRefine((server, context) => {
    if (server.transport === "stdio" && !server.command) context.addIssue({ code: "custom", path: ["command"], message: "is required for a stdio server" });
    if (server.transport !== "stdio" && !server.url) context.addIssue({ code: "custom", path: ["url"], message: `is required for a ${server.transport} server` });
  });

export type ProfileServer = z.infer<typeof profileServerSchema>;

const profileSchema = z
  .object({
    instructions: z.string().max(4000).optional(),
    servers: z.array(profileServerSchema).min(1).max(10),
  })
  .strict();

export type McpProfile = z.infer<typeof profileSchema>;

const profilesFileSchema = z
  .object({ profiles: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "profile names are letters, digits, - and _"), profileSchema) })
  .strict();

export interface McpProfiles {
  readonly names: readonly string[];
  get(name: string): McpProfile | undefined;
}

export function mcpProfiles(profiles: Record<string, McpProfile>): McpProfiles {
  const byName = new Map(Object.entries(profiles).map(([name, profile]) => [name.toLowerCase(), profile]));
  return { names: [...byName.keys()], get: (name) => byName.get(name.toLowerCase()) };
}

export const NO_PROFILES: McpProfiles = mcpProfiles({});

/** Reads MCP_PROFILES_FILE; throws a message naming the file and every bad entry. */
export function loadMcpProfiles(path: string | undefined): McpProfiles {
  if (!path) return NO_PROFILES;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`MCP_PROFILES_FILE ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = profilesFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`MCP_PROFILES_FILE ${path} is invalid: ${parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`).join("; ")}`);
  }
  return mcpProfiles(parsed.data.profiles);
}
