/**
 * The fields of the original API's `POST /bots` and its `GET /ready`, end to end against local
 * servers that speak the real protocols: a MeetingBaas fake, an MCP server built with the official
 * SDK, a document server, and OpenAI and Anthropic fakes. Spoken questions travel through the
 * local speech engines; every address is loopback.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botRequestSchema } from "../../src/bots/bot-request.js";
import { ORIGINAL_BOT_REQUEST_EXAMPLE as ORIGINAL_EXAMPLE } from "../../src/bots/bot-request-example.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { countTokens } from "../../src/prompt-data/token-budget.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeAnthropicServer } from "../../src/services/llm/testing/fake-anthropic-server.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { ACME_ACCOUNT_ANSWER, LocalMcpServer } from "../../src/tools/mcp/testing/local-mcp-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, localSpeechMissing, startTestServer, waitFor } from "./helpers.js";

const MEET = "https://meet.google.com/abc-defg-hij";
const NOTES_PAGE = `<!doctype html><html><head><title>ACME</title><script>track()</script></head><body>
<h1>ACME account notes</h1><p>Renewal is due on <b>March 3</b>. Budget owner: Dana Whitfield.</p>
<p>${"Background paragraph about the account history. ".repeat(400)}</p></body></html>`;

let docs: Server;
let docsUrl = "";
const docRequests: string[] = [];
let mcp: LocalMcpServer;

beforeAll(async () => {
  docs = createServer((req, res) => {
    docRequests.push(req.url ?? "");
    if (req.url?.startsWith("/account-notes")) res.writeHead(200, { "content-type": "text/html" }).end(NOTES_PAGE);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => docs.listen(0, "127.0.0.1", resolve));
  docsUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
  mcp = new LocalMcpServer({ bearerToken: "crm-secret-token" });
  await mcp.start();
});
afterAll(async () => {
  await mcp.stop();
  docs.closeAllConnections();
  await new Promise((resolve) => docs.close(resolve));
});

const post = (server: RunningServer, body: unknown) =>
  fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json", "x-meeting-baas-api-key": "test-key" }, body: JSON.stringify(body) });

describe("parity fields with the loopback allowlist", () => {
  let baas: FakeMeetingBaas;
  let openai: FakeOpenAiServer;
  let anthropic: FakeAnthropicServer;
  let server: RunningServer;
  let profilesDir: string;

  beforeAll(async () => {
    baas = new FakeMeetingBaas({ script: { participants: ["Alice"], connectDelayMs: 20 } });
    openai = new FakeOpenAiServer({
      // Persona drafts (not streamed) get prose, so a request prompt is used as written.
      reply: (body) => {
        if (!body.stream) return { text: "no persona today" };
        const answered = body.messages.at(-1)?.role === "tool";
        return answered ? { text: "ACME renews on March third, and Dana Whitfield owns the account." } : { toolCall: { name: "mcp_crm_get_account", arguments: { account: "ACME" } } };
      },
    });
    anthropic = new FakeAnthropicServer({
      replies: [{ toolUse: { name: "get_time", input: { location: "Asia/Tokyo" } } }, { text: "It is evening in Tokyo right now." }, { text: "Happy to help with the sync." }],
    });
    profilesDir = mkdtempSync(join(tmpdir(), "mcp-profiles-"));
    const profilesFile = join(profilesDir, "profiles.yaml");
    writeFileSync(
      profilesFile,
      `profiles:\n  professional:\n    instructions: Use the professional proxy for company tools.\n    servers:\n      - name: mcpproxy-professional\n        transport: streamable_http\n        url: ${mcp.url}\n        headers:\n          Authorization: Bearer crm-secret-token\n`,
    );
    server = await startTestServer({
      MEETING_BAAS_API_URL: await baas.start(),
      LLM_BASE_URL: await openai.start(),
      LLM_MODEL: "scripted",
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_API_URL: await anthropic.start(),
      FETCH_ALLOW_HOSTS: "127.0.0.1",
      MCP_PROFILES_FILE: profilesFile,
    });
  });
  afterAll(async () => {
    await server.close();
    await baas.stop();
    await openai.stop();
    await anthropic.stop();
    rmSync(profilesDir, { recursive: true, force: true });
  });

  async function speakTo(botId: string, fixture: "account-question" | "time-question") {
    const meetingBot = baas.bot(botId);
    await waitFor(async () => ((await json(await fetch(`${server.url}/bots/${botId}`))).status === "in_call"), 5000, "in_call");
    await waitFor(() => meetingBot.received.length > 20 && !server.bots.get(botId)?.info().speaking, 10_000, "entry message to finish");
    const before = meetingBot.heard().length;
    meetingBot.say(await loadSpeech(fixture));
    return { meetingBot, before };
  }

  it.skipIf(localSpeechMissing())("answers a spoken question with a tool of its MCP server, with the fetched page in its prompt within the token cap", async () => {
    const created = await post(server, {
      meeting_url: MEET,
      personas: ["interviewer"],
      entry_message: "Hello, I have the CRM at hand.",
      prompt_data_sources: [{ name: "Account notes", type: "url", url: `${docsUrl}/account-notes.html` }, { type: "text", text: "Agenda: the ACME renewal." }],
      prompt_data_token_limit: 600,
      mcp: {
        instructions: "Look customers up in the CRM before answering.",
        servers: [{ name: "crm", transport: "streamable_http", url: mcp.url, headers: { Authorization: "Bearer crm-secret-token" }, tool_allowlist: ["get_account"] }],
      },
    });
    expect(created.status).toBe(201);
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const { meetingBot, before } = await speakTo(botId, "account-question");

    await waitFor(() => openai.requests.filter((r) => r.stream).length >= 2, 15_000, "the LLM to be asked twice (tool round)");
    const [ask, followUp] = openai.requests.filter((r) => r.stream);
    const system = String(ask?.messages[0]?.content);
    const block = system.slice(system.indexOf("## Meeting context"), system.indexOf("## Live tools (MCP)"));
    expect(block).toContain(`<context name="Account notes" type="url" source="${docsUrl}/account-notes.html">`);
    expect(block).toContain("Renewal is due on March 3. Budget owner: Dana Whitfield.");
    expect(block).toContain('<context name="external_context" type="text">\nAgenda: the ACME renewal.\n</context>');
    expect(block).not.toContain("track()");
    expect(countTokens(block.trim())).toBeLessThanOrEqual(600);
    expect(system).toContain("Look customers up in the CRM before answering.");
    expect(ask?.tools?.map((tool) => tool.function.name)).toEqual(["get_weather", "get_time", "mcp_crm_get_account"]);
    expect(ask?.messages.at(-1)).toMatchObject({ role: "user", content: expect.stringMatching(/^Alice: .*acme/i) });

    expect(mcp.calls).toContainEqual({ tool: "get_account", arguments: { account: "ACME" } });
    expect(mcp.requestHeaders.every((headers) => headers.authorization === "Bearer crm-secret-token")).toBe(true);
    expect(followUp?.messages.some((m) => m.role === "tool" && m.content === ACME_ACCOUNT_ANSWER)).toBe(true);
    await waitFor(() => meetingBot.heard().length > before + 16000, 15_000, "the spoken answer");
    expect((await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" })).status).toBe(200);
  });

  it.skipIf(localSpeechMissing())("answers a turn through Claude when the request picks llm_provider anthropic", async () => {
    const openAiBefore = openai.requests.length;
    const created = await post(server, { meeting_url: MEET, personas: ["interviewer"], entry_message: "Hi, Claude here.", llm_provider: "anthropic", llm_model: "claude-test" });
    expect(created.status).toBe(201);
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const { meetingBot, before } = await speakTo(botId, "time-question");
    await waitFor(() => anthropic.requests.length >= 2, 15_000, "Claude to be asked twice (tool round)");
    const [first, second] = anthropic.requests;
    expect(first).toMatchObject({ model: "claude-test", stream: true });
    expect(first?.system).toMatch(/interview/i);
    expect(first?.tools?.map((tool) => tool.name)).toContain("get_time");
    expect(JSON.stringify(first?.messages.at(-1))).toMatch(/Alice: /);
    expect(second?.messages.at(-1)?.content).toEqual([{ type: "tool_result", tool_use_id: "toolu_01", content: expect.stringMatching(/^In Asia\/Tokyo it is /) }]);
    await waitFor(() => meetingBot.heard().length > before + 16000, 15_000, "the spoken answer");
    expect(openai.requests.length).toBe(openAiBefore);
    expect((await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" })).status).toBe(200);
  });

  it("accepts the original API's example body and does what it says", async () => {
    expect(botRequestSchema.safeParse(ORIGINAL_EXAMPLE).success).toBe(true);
    // The same body with its example.com addresses pointed at the local servers.
    const body = {
      ...ORIGINAL_EXAMPLE,
      websocket_url: server.url.replace("http", "ws"),
      prompt_data_sources: [{ ...ORIGINAL_EXAMPLE.prompt_data_sources[0], url: `${docsUrl}/account-notes.md` }],
      mcp: { servers: [{ ...ORIGINAL_EXAMPLE.mcp.servers[0], url: mcp.url, headers: { Authorization: "Bearer crm-secret-token" } }] },
    };
    const anthropicBefore = anthropic.requests.length;
    const created = await post(server, body);
    expect(created.status).toBe(201);
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const sent = baas.requests.find((r) => r.method === "POST" && (r.body as { bot_name?: string })?.bot_name === "Meeting Assistant")?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ bot_name: "Meeting Assistant", entry_message: "Hello! I'm here to assist with the meeting.", extra: { company: "ACME Corp" } });
    const bot = server.bots.get(botId);
    await waitFor(() => baas.bot(botId).connected, 5000, "stream");
    await waitFor(async () => ((await json(await fetch(`${server.url}/bots/${botId}`))).status === "in_call"), 5000, "in_call");
    expect(bot?.info().bot_name).toBe("Meeting Assistant");
    expect(docRequests).toContain("/account-notes.md");
    // The profile's server is offered read-only (its tools carry readOnlyHint); the crm server only its allowlist.
    const { tools, system } = await waitFor(() => latestAnthropicAsk(anthropic, anthropicBefore), 15_000, "a turn through Claude");
    expect(tools).toEqual(expect.arrayContaining(["mcp_mcpproxy_professional_get_account", "mcp_crm_get_account"]));
    expect(tools).not.toContain("mcp_mcpproxy_professional_update_account");
    expect(tools).not.toContain("mcp_crm_broken_report");
    expect(system).toContain("Use the professional proxy for company tools.");
    expect(system).toContain('<context name="CRM account notes" type="url"');
    expect((await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" })).status).toBe(200);
  });

  it("refuses an unconfigured provider, an unknown profile and non-public addresses outside the allowlist, naming the field", async () => {
    const sentBefore = baas.requests.length;
    const refusals = [
      [{ llm_provider: "zai" }, /^llm_provider: the zai provider is not configured on this server; it needs ZAI_API_KEY$/],
      [{ mcp_profile: "personal" }, /^mcp_profile: no profile named personal; configured profiles: professional$/],
      [{ mcp_profile_tool_access: "read_write" }, /mcp_profile_tool_access: read_write needs an mcp_profile/],
      [{ speech_speed: 3 }, /speech_speed/],
      [{ turn_config: { stop_secs: 0 } }, /turn_config.stop_secs/],
      [{ prompt_data_sources: [{ type: "url", url: "http://169.254.169.254/latest/meta-data/" }] }, /^prompt_data_sources\[0\]\.url: 169\.254\.169\.254 is a link-local \(cloud metadata\) address/],
      [{ prompt_data_sources: [{ type: "text", text: "ok" }, { type: "url", url: "http://10.0.0.7/wiki" }] }, /^prompt_data_sources\[1\]\.url: 10\.0\.0\.7 is a private address/],
      [{ mcp: { servers: [{ name: "x", transport: "sse", url: "http://[::1]:8111/sse" }] } }, /^mcp\.servers\[0\]\.url: ::1 is a loopback address/],
      [{ prompt_data_sources: [{ type: "url", url: "file:///etc/passwd" }] }, /prompt_data_sources\[0\]\.url: must use http/],
      [{ recorder: true, mcp: { servers: [] } }, /^mcp: not used by a recorder/],
    ] as const;
    for (const [fields, message] of refusals) {
      const response = await post(server, { meeting_url: MEET, ...fields });
      const answer = await json(response);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(String(answer.message)).toMatch(message);
    }
    expect(baas.requests.length).toBe(sentBefore);
  });
});

function latestAnthropicAsk(anthropic: FakeAnthropicServer, after: number): { tools: string[]; system: string } | undefined {
  // The bot greets through Claude: its persona, made from the request's prompt, has no entry message of its own.
  const ask = anthropic.requests.slice(after).find((request) => request.stream && request.system?.includes("You are Meeting Assistant"));
  return ask ? { tools: ask.tools?.map((tool) => tool.name) ?? [], system: ask.system ?? "" } : undefined;
}

describe("a server without the allowlist", () => {
  let baas: FakeMeetingBaas;
  let server: RunningServer;

  beforeAll(async () => {
    baas = new FakeMeetingBaas({ script: { participants: ["Alice"], connectDelayMs: 20 } });
    // An LLM is configured (never called: the bot only speaks its entry message), so the server can be ready.
    server = await startTestServer({ MEETING_BAAS_API_URL: await baas.start(), LLM_BASE_URL: "http://127.0.0.1:9/v1", MAX_BOTS: "1", RATE_LIMIT_BOTS_PER_MINUTE: "0" });
  });
  afterAll(async () => {
    await server.close();
    await baas.stop();
  });

  it("refuses loopback prompt data and MCP servers before connecting to them", async () => {
    const docsBefore = docRequests.length;
    const mcpBefore = mcp.requestHeaders.length;
    const page = await post(server, { meeting_url: MEET, prompt_data_sources: [{ name: "notes", type: "url", url: `${docsUrl}/account-notes.html` }] });
    expect(page.status).toBe(400);
    expect((await json(page)).message).toMatch(/^prompt_data_sources\[0\]\.url: 127\.0\.0\.1 is a loopback address, which this server does not fetch \(FETCH_ALLOW_HOSTS can open it\)$/);
    const tools = await post(server, { meeting_url: MEET, mcp: { servers: [{ name: "crm", transport: "streamable_http", url: mcp.url }] } });
    expect(tools.status).toBe(400);
    expect((await json(tools)).message).toMatch(/^mcp\.servers\[0\]\.url: 127\.0\.0\.1 is a loopback address/);
    const named = await post(server, { meeting_url: MEET, prompt_data_sources: [{ type: "url", url: `http://localhost:${new URL(docsUrl).port}/account-notes.html` }] });
    expect(named.status).toBe(400);
    expect((await json(named)).message).toMatch(/^prompt_data_sources\[0\]\.url: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(docRequests.length).toBe(docsBefore);
    expect(mcp.requestHeaders.length).toBe(mcpBefore);
    expect(baas.requests).toHaveLength(0);
  });

  it("flips /ready to 503 when MAX_BOTS is reached, and back once the bot leaves", async () => {
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: "ready", reasons: [], bots: { running: 0, max: 1 } });
    const created = await post(server, { meeting_url: MEET, entry_message: "Hi." });
    expect(created.status).toBe(201);
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const full = await fetch(`${server.url}/ready`);
    expect(full.status).toBe(503);
    expect(await json(full)).toEqual({ status: "not_ready", reasons: ["at capacity: 1 of 1 bots running (MAX_BOTS)"], bots: { running: 1, max: 1 } });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" });
    await waitFor(async () => (await fetch(`${server.url}/ready`)).status === 200, 5000, "/ready to recover");
  });
});
