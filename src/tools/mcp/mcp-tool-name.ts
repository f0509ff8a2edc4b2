/**
 * @module tools/mcp/mcp-tool-name
 * The function name an MCP tool gets: `mcp_<server>_<tool>`, lower case, letters, digits and
 * underscores only, at most 64 characters (the strictest limit among LLM APIs), unique per bot.
 */

const MAX_NAME = 64;

export function mcpFunctionName(serverName: string, toolName: string, taken: ReadonlySet<string>): string {
  const base =
    `mcp_${serverName}_${toolName}`
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, "_")
      .replace(/_+/g, "_")
      .replace(/^_|_$/g, "")
      .slice(0, MAX_NAME)
      .replace(/_$/, "") || "mcp_tool";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
