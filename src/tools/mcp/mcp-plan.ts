/**
 * @module tools/mcp/mcp-plan
 * What one bot connects to: the servers of its `mcp_profile` (trusted, from the server's
 * configuration) followed by the servers of its own `mcp` field (untrusted, held to the address
 * policy), each with the rule deciding which of its tools the model may call. Servers that are
 * disabled or give no transport are only described to the model.
 */
import { AppError } from "../../core/errors.js";
import { fieldPath } from "../../util/field-path.js";
import type { McpProfiles, ProfileServer } from "./mcp-profiles.js";
import type { McpRequest } from "./mcp-request.js";

export type McpTarget =
  | { kind: "http"; transport: "streamable_http" | "sse"; url: string; headers: Record<string, string> }
  | { kind: "stdio"; command: string; args: string[]; env: Record<string, string> | undefined; cwd: string | undefined };

/** What a server says about one of its tools, as far as access rules care. */
export interface McpToolFacts {
  name: string;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

export interface McpServerPlan {
  name: string;
  /** The request field it came from, for error messages: `mcp.servers[0]` or `mcp_profile`. */
  field: string;
  /** From the server's configuration: the address policy does not apply. */
  trusted: boolean;
  target: McpTarget;
  timeoutMs: number;
  instructions: string | undefined;
  allows(tool: McpToolFacts): boolean;
}

export interface DescribedServer {
  name: string;
  tools: string[];
  instructions: string | undefined;
}

export interface McpPlan {
  servers: McpServerPlan[];
  instructions: string[];
  /** Disabled or metadata-only servers, mentioned in the prompt but not connected. */
  described: DescribedServer[];
}

export interface McpPlanRequest {
  mcp?: McpRequest | undefined;
  mcp_profile?: string | undefined;
  mcp_profile_tool_access?: "read_only" | "read_write" | undefined;
}

export const EMPTY_MCP_PLAN: McpPlan = { servers: [], instructions: [], described: [] };

export function planMcp(request: McpPlanRequest, profiles: McpProfiles, defaultTimeoutSeconds: number): McpPlan {
  const plan: McpPlan = { servers: [], instructions: [], described: [] };
  const reserved = new Set<string>();
  if (request.mcp_profile) {
    const profile = profiles.get(request.mcp_profile);
    if (!profile) {
      const known = profiles.names.length ? `configured profiles: ${profiles.names.join(", ")}` : "this server has no MCP profiles (MCP_PROFILES_FILE)";
      throw new AppError("VALIDATION_FAILED", `mcp_profile: no profile named ${request.mcp_profile}; ${known}`);
    }
    if (profile.instructions) plan.instructions.push(profile.instructions);
    const readWrite = request.mcp_profile_tool_access === "read_write";
    for (const server of profile.servers) {
      reserved.add(server.name.toLowerCase());
      if (!server.enabled) continue;
      plan.servers.push({
        name: server.name,
        field: "mcp_profile",
        trusted: true,
        target: profileTarget(server),
        timeoutMs: (server.timeout_seconds ?? defaultTimeoutSeconds) * 1000,
        instructions: server.instructions,
        allows: profileAccess(server, readWrite),
      });
    }
  }
  if (request.mcp?.instructions) plan.instructions.push(request.mcp.instructions);
  request.mcp?.servers.forEach((server, index) => {
    const field = fieldPath(["mcp", "servers", index]);
    if (reserved.has(server.name.toLowerCase())) {
      throw new AppError("VALIDATION_FAILED", `${field}.name: ${server.name} is the name of a server of mcp_profile ${request.mcp_profile}`);
    }
    if (!server.enabled || !server.transport || !server.url) {
      plan.described.push({ name: server.name, tools: server.tool_allowlist ?? server.tools ?? [], instructions: server.instructions });
      return;
    }
    const allowlist = server.tool_allowlist ? new Set(server.tool_allowlist) : undefined;
    plan.servers.push({
      name: server.name,
      field,
      trusted: false,
      target: { kind: "http", transport: server.transport === "sse" ? "sse" : "streamable_http", url: server.url, headers: server.headers ?? {} },
      timeoutMs: (server.timeout_seconds ?? defaultTimeoutSeconds) * 1000,
      instructions: server.instructions,
      allows: (tool) => !allowlist || allowlist.has(tool.name),
    });
  });
  return plan;
}

function profileTarget(server: ProfileServer): McpTarget {
  if (server.transport === "stdio") return { kind: "stdio", command: server.command ?? "", args: server.args, env: server.env, cwd: server.cwd };
  return { kind: "http", transport: server.transport === "sse" ? "sse" : "streamable_http", url: server.url ?? "", headers: server.headers ?? {} };
}

/** Read-only unless asked: named tools when the profile lists them, else the server's own hints. */
function profileAccess(server: ProfileServer, readWrite: boolean): (tool: McpToolFacts) => boolean {
  const readOnly = server.tool_allowlist ? new Set(server.tool_allowlist) : undefined;
  const writable = server.read_write_tools ? new Set(server.read_write_tools) : undefined;
  const isReadOnly = (tool: McpToolFacts) => (readOnly ? readOnly.has(tool.name) : tool.annotations?.readOnlyHint === true);
  if (!readWrite) return isReadOnly;
  return (tool) => isReadOnly(tool) || (writable ? writable.has(tool.name) : tool.annotations?.destructiveHint === false || tool.annotations?.readOnlyHint === true);
}
