import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../core/errors.js";
import { silentLogger } from "../../logger.js";
import { createAddressPolicy } from "../../net/address-policy.js";
import { toolSchemas } from "../registry.js";
import type { Tool } from "../tool.js";
import { connectBotMcp } from "./bot-mcp.js";
import { type McpPlanRequest, planMcp } from "./mcp-plan.js";
import { type McpProfile, NO_PROFILES, mcpProfiles } from "./mcp-profiles.js";
import { mcpRequestSchema } from "./mcp-request.js";
import { mcpFunctionName } from "./mcp-tool-name.js";
import { ACME_ACCOUNT_ANSWER, LocalMcpServer } from "./testing/local-mcp-server.js";

const open = createAddressPolicy(["127.0.0.1"]);
const closed = createAddressPolicy([]);
const context = () => ({ signal: new AbortController().signal, weatherApiUrl: "http://127.0.0.1:9", now: () => new Date() });
const request = (mcp: unknown, extra: Omit<McpPlanRequest, "mcp"> = {}): McpPlanRequest => ({ mcp: mcpRequestSchema.parse(mcp), ...extra });
const connect = (plan: ReturnType<typeof planMcp>, policy = open) => connectBotMcp(plan, { policy, logger: silentLogger, reservedNames: ["get_time", "get_weather"] });
const byName = (tools: Tool[], name: string) => {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name} among ${tools.map((t) => t.name).join(", ")}`);
  return tool;
};
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as AppError);

describe("MCP request fields", () => {
  it("follow the original API's rules", () => {
    const issues = (mcp: unknown) => mcpRequestSchema.safeParse(mcp).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(issues({ servers: [{ name: "crm", transport: "streamable_http" }] })).toEqual(["servers.0.url: is required when transport is streamable_http"]);
    expect(issues({ servers: [{ name: "crm", url: "https://mcp.example.com" }] })).toEqual(["servers.0.transport: is required when url or headers are given"]);
    expect(issues({ servers: [{ name: "crm", transport: "stdio", url: "https://x.example" }] })[0]).toMatch(/servers.0.transport/);
    expect(issues({ servers: [{ name: "a", transport: "sse", url: "gopher://x" }] })).toEqual(["servers.0.url: must use http:// or https://"]);
    expect(issues({ servers: [{ name: "crm" }, { name: "CRM" }] })).toEqual(["servers.1.name: another server is already called CRM"]);
    expect(issues({ servers: [{ name: "crm", command: "rm -rf /" }] })[0]).toMatch(/command/);
  });

  it("give every tool a safe, unique function name of at most 64 characters", () => {
    expect(mcpFunctionName("CRM Prod", "get-account.v2", new Set())).toBe("mcp_crm_prod_get_account_v2");
    const long = mcpFunctionName("a".repeat(80), "tool", new Set());
    expect(long).toMatch(/^mcp_a+$/);
    expect(long.length).toBeLessThanOrEqual(64);
    const taken = new Set([long]);
    const second = mcpFunctionName("a".repeat(80), "other", taken);
    expect(second).not.toBe(long);
    expect(second.length).toBeLessThanOrEqual(64);
    expect(second).toMatch(/^[a-z0-9_]+$/);
  });
});

describe("MCP tools of a bot", () => {
  let crm: LocalMcpServer;
  beforeAll(async () => {
    crm = new LocalMcpServer({ bearerToken: "crm-token", slowMs: 60_000, instructions: "Accounts are keyed by company name." });
    await crm.start();
  });
  afterAll(() => crm.stop());

  it("connects over streamable HTTP with the request's headers, exposes the allowed tools and runs them", async () => {
    const plan = planMcp(
      request({
        instructions: "Use the CRM for customer questions.",
        servers: [{ name: "crm", transport: "streamable_http", url: crm.url, headers: { Authorization: "Bearer crm-token" }, tool_allowlist: ["get_account", "broken_report", "slow_lookup"], timeout_seconds: 5, instructions: "Read-only." }],
      }),
      NO_PROFILES,
      15,
    );
    const mcp = await connect(plan);
    try {
      expect(mcp.tools.map((tool) => tool.name).sort()).toEqual(["mcp_crm_broken_report", "mcp_crm_get_account", "mcp_crm_slow_lookup"]);
      const schema = toolSchemas(mcp.tools).find((s) => s.name === "mcp_crm_get_account");
      expect(schema?.parameters).toMatchObject({ type: "object", properties: { account: { type: "string" } }, required: ["account"] });
      expect(await byName(mcp.tools, "mcp_crm_get_account").run({ account: "ACME" }, context())).toBe(ACME_ACCOUNT_ANSWER);
      expect(crm.calls.at(-1)).toEqual({ tool: "get_account", arguments: { account: "ACME" } });
      expect(await byName(mcp.tools, "mcp_crm_broken_report").run({}, context())).toBe("The crm broken_report tool failed: The reporting database is offline.");
      expect(await byName(mcp.tools, "mcp_crm_slow_lookup").run({}, context())).toBe("The crm slow_lookup tool did not answer within 5 seconds.");
      expect(mcp.promptSection).toContain("Use the CRM for customer questions.");
      expect(mcp.promptSection).toMatch(/- crm: functions mcp_crm_get_account, .*\. Read-only\. Accounts are keyed by company name\./);
      expect(crm.requestHeaders.every((headers) => headers.authorization === "Bearer crm-token")).toBe(true);
    } finally {
      await mcp.close();
    }
  });

  it("speaks the older SSE transport too", async () => {
    const mcp = await connect(planMcp(request({ servers: [{ name: "crm", transport: "sse", url: crm.sseUrl, headers: { Authorization: "Bearer crm-token" } }] }), NO_PROFILES, 15));
    try {
      expect(mcp.tools.map((tool) => tool.name)).toContain("mcp_crm_update_account");
      expect(await byName(mcp.tools, "mcp_crm_get_account").run({ account: "acme" }, context())).toBe(ACME_ACCOUNT_ANSWER);
      expect(crm.openSseSessions).toBe(1);
    } finally {
      await mcp.close();
    }
    const deadline = Date.now() + 5000;
    while (crm.openSseSessions > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(crm.openSseSessions).toBe(0);
  });

  it("refuses loopback, private and metadata servers without the allowlist, before connecting, naming the field", async () => {
    const before = crm.requestHeaders.length;
    for (const url of [crm.url, "http://169.254.169.254/mcp", "http://[::1]:8111/mcp", "http://192.168.1.20/mcp"]) {
      const plan = planMcp(request({ servers: [{ name: "docs", transport: "streamable_http", url: "https://docs.example.com/mcp" }, { name: "crm", transport: "streamable_http", url }] }), NO_PROFILES, 2);
      const error = await failure(connectBotMcp({ ...plan, servers: plan.servers.slice(1) }, { policy: closed, logger: silentLogger, reservedNames: [] }));
      expect(error).toBeInstanceOf(AppError);
      expect(error?.status).toBe(400);
      expect(error?.message).toMatch(/^mcp\.servers\[1\]\.url: .*(loopback|link-local|private)/);
    }
    expect(crm.requestHeaders.length).toBe(before);
  });

  it("fails the launch with 502 naming the server when it cannot be reached or refuses, and never shows its headers", async () => {
    const unreachable = await failure(connect(planMcp(request({ servers: [{ name: "gone", transport: "streamable_http", url: "http://127.0.0.1:9/mcp" }] }), NO_PROFILES, 2)));
    expect(unreachable?.status).toBe(502);
    expect(unreachable?.message).toMatch(/^mcp\.servers\[0\]: MCP server gone could not be used/);
    const wrongKey = await failure(connect(planMcp(request({ servers: [{ name: "crm", transport: "streamable_http", url: crm.url, headers: { Authorization: "Bearer wrong-secret" } }] }), NO_PROFILES, 2)));
    expect(wrongKey?.status).toBe(502);
    expect(wrongKey?.message).not.toMatch(/wrong-secret/);
    const leak = await failure(connect(planMcp(request({ servers: [{ name: "crm", transport: "streamable_http", url: "http://crm.example.com/mcp", headers: { Authorization: "Bearer x" } }] }), NO_PROFILES, 2), open));
    expect(leak?.status).toBe(400);
    expect(leak?.message).toBe("mcp.servers[0].headers: headers need an https:// URL (plain http would send them in clear text)");
  });

  it("offers profile servers read-only by default, and trusts the operator's loopback and stdio servers", async () => {
    const stdioServer = fileURLToPath(new URL("./testing/stdio-mcp-server.ts", import.meta.url));
    const profile: McpProfile = {
      instructions: "Professional tools.",
      servers: [
        { name: "crm", enabled: true, transport: "streamable_http", url: crm.url, headers: { Authorization: "Bearer crm-token" }, args: [] },
        { name: "docs", enabled: true, transport: "stdio", command: process.execPath, args: ["--import", "tsx", stdioServer] },
      ],
    };
    const profiles = mcpProfiles({ professional: profile });
    const readOnly = await connect(planMcp({ mcp_profile: "professional" }, profiles, 20), closed);
    try {
      expect(readOnly.tools.map((tool) => tool.name).sort()).toEqual(["mcp_crm_broken_report", "mcp_crm_get_account", "mcp_crm_slow_lookup", "mcp_docs_read_agenda"]);
      expect(await byName(readOnly.tools, "mcp_docs_read_agenda").run({ meeting: "Monday sync" }, context())).toBe("Agenda of Monday sync: budget, hiring, launch date.");
      expect(readOnly.promptSection).toContain("Professional tools.");
    } finally {
      await readOnly.close();
    }
    const readWrite = planMcp({ mcp_profile: "professional", mcp_profile_tool_access: "read_write" }, profiles, 20);
    expect(readWrite.servers[0]?.allows({ name: "update_account", annotations: { destructiveHint: true } })).toBe(false);
    expect(readWrite.servers[0]?.allows({ name: "tag_account", annotations: { destructiveHint: false } })).toBe(true);
    const listed = planMcp({ mcp_profile: "professional", mcp_profile_tool_access: "read_write" }, mcpProfiles({ professional: { servers: [{ ...profile.servers[0]!, tool_allowlist: ["retrieve_tools"], read_write_tools: ["call_tool_write"] }] } }), 20);
    expect(["retrieve_tools", "call_tool_write", "call_tool_destructive"].map((name) => listed.servers[0]?.allows({ name }))).toEqual([true, true, false]);
  }, 60_000);

  it("answers 400 for an unknown profile or a server name the profile reserves, and describes servers it does not connect", () => {
    expect(() => planMcp({ mcp_profile: "professional" }, NO_PROFILES, 15)).toThrow(/^mcp_profile: no profile named professional; this server has no MCP profiles \(MCP_PROFILES_FILE\)$/);
    const profiles = mcpProfiles({ all: { servers: [{ name: "crm", enabled: true, transport: "streamable_http", url: "http://127.0.0.1:1/mcp", args: [] }] } });
    expect(() => planMcp(request({ servers: [{ name: "CRM", transport: "sse", url: "https://x.example/sse" }] }, { mcp_profile: "all" }), profiles, 15)).toThrow(
      /^mcp\.servers\[0\]\.name: CRM is the name of a server of mcp_profile all$/,
    );
    const plan = planMcp(request({ servers: [{ name: "billing", tools: ["invoice_lookup"] }, { name: "old", enabled: false, transport: "sse", url: "https://old.example/sse" }] }), NO_PROFILES, 15);
    expect(plan.servers).toEqual([]);
    expect(plan.described.map((server) => server.name)).toEqual(["billing", "old"]);
  });
});
