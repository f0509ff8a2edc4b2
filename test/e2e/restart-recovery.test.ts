/**
 * Nothing is orphaned: the server runs as its own process with five bots in MeetingBaas meetings, is
 * killed with SIGKILL, and is started again on the same data directory and port. With
 * RECOVER_BOTS=resume the provider's redial of each stream is accepted and the bots carry on (one
 * answers a spoken question); with RECOVER_BOTS=leave each bot is told to leave with the key it was
 * sent with. And SIGTERM sent to `npm start` reaches the server, so every bot leaves.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BotStore } from "../../src/bots/registry/bot-store.js";
import { MeetingBaasProvider } from "../../src/meeting/meetingbaas/meetingbaas-provider.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, startTestServer, waitFor } from "./helpers.js";
import { type LaunchStyle, type ServerProcess, freePort, startServerProcess } from "./server-process.js";

const MEET = "https://meet.google.com/abc-defg-hij";
/** Each bot is sent with its own MeetingBaas key, so a leave call with the wrong key would show. */
const KEYS = ["key-ada", "key-bob", "key-cy", "key-dee", "key-eve"];
const PERSONAS = ["interviewer", "storyteller", "pair_programmer", "interviewer", "storyteller"];

describe("a server killed with bots in meetings", () => {
  let baas: FakeMeetingBaas;
  let llm: FakeOpenAiServer;
  let dataDir: string;
  let port: number;
  const running: ServerProcess[] = [];

  beforeEach(async () => {
    baas = new FakeMeetingBaas({ apiKeys: KEYS, script: { participants: ["Alice"], connectDelayMs: 20, redial: true } });
    llm = new FakeOpenAiServer({ replies: [{ text: "It is evening in Tokyo right now." }] });
    await baas.start();
    await llm.start();
    dataDir = mkdtempSync(join(tmpdir(), "restart-recovery-"));
    port = await freePort();
  });
  afterEach(async () => {
    for (const server of running.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
      await server.exited;
    }
    await baas.stop();
    await llm.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}, style: LaunchStyle = "node"): Promise<ServerProcess> {
    const server = await startServerProcess(style, port, {
      DATA_DIR: dataDir,
      MEETING_BAAS_API_URL: baas.url,
      LLM_PROVIDER: "openai",
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: "test",
      LLM_MODEL: "scripted",
      SHUTDOWN_TIMEOUT_MS: "20000",
      ...env,
    });
    running.push(server);
    return server;
  }

  async function launchBots(server: ServerProcess, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const created = await fetch(`${server.url}/bots`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-meeting-baas-api-key": KEYS[i] ?? "" },
        body: JSON.stringify({ meeting_url: MEET, personas: [PERSONAS[i]], entry_message: "Hello everyone." }),
      });
      expect(created.status).toBe(201);
      ids.push(((await json(created)) as { bot_id: string }).bot_id);
    }
    return ids;
  }

  const status = async (server: ServerProcess, id: string) => (await json(await fetch(`${server.url}/bots/${id}`))) as { status: string; last_error: string | null };

  async function allInCall(server: ServerProcess, ids: string[], what: string): Promise<void> {
    await waitFor(async () => (await Promise.all(ids.map((id) => status(server, id)))).every((info) => info.status === "in_call"), 60_000, what);
  }

  async function crash(server: ServerProcess): Promise<void> {
    server.child.kill("SIGKILL");
    expect((await server.exited).signal).toBe("SIGKILL");
  }

  /** Each bot's leave calls, as `[bot id, key]`, sorted. */
  const leaves = () => baas.leaves().map((request) => [request.path.replace("/bots/", ""), request.apiKey]).sort();
  const sentWith = (ids: string[]) => ids.map((id, i) => [id, KEYS[i]]).sort();

  it("resumes all five bots: the provider's redial is accepted and they talk again (RECOVER_BOTS=resume)", async () => {
    const first = await start();
    const ids = await launchBots(first, 5);
    await allInCall(first, ids, "five bots in the call");
    await crash(first);
    expect(baas.leaves()).toEqual([]);

    const second = await start({ RECOVER_BOTS: "resume" });
    await waitFor(() => ids.every((id) => baas.bot(id).opens >= 2), 90_000, "every meeting bot to redial its stream");
    await allInCall(second, ids, "five resumed bots in the call");
    expect(second.logs("bots from before the restart recovered")[0]).toMatchObject({ resumed: 5, left: 0, leaveFailed: 0 });
    expect(second.logs("bot resumed after a restart; waiting for the provider to redial its stream")).toHaveLength(5);

    // The resumed pipeline runs: a question asked in the meeting gets a spoken answer. (Audio sent
    // before a redialed stream is attached to its pipeline is lost, as in any reconnection.)
    await waitFor(() => second.logs("meeting stream attached").length >= 5, 60_000, "five streams attached to their pipelines");
    const asker = baas.bot(ids[0] ?? "");
    const heardBefore = asker.heard().length;
    asker.say(await loadSpeech("time-question"));
    await waitFor(() => llm.requests.length >= 1, 60_000, "the resumed bot to ask the LLM");
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).toMatch(/^Alice: .*time/i);
    await waitFor(() => asker.heard().length > heardBefore + 16000, 60_000, "the resumed bot's spoken answer");
    // No stream was refused, and no bot was made to leave.
    for (const id of ids) expect(baas.bot(id).closeCodes).not.toContain(1008);
    expect(baas.leaves()).toEqual([]);

    // The resumed bots answer to their public ids again: DELETE makes one leave with its own key.
    const deleted = await fetch(`${second.url}/bots/${ids[1]}`, { method: "DELETE" });
    expect(await json(deleted)).toEqual({ bot_id: ids[1], status: "ended" });
    expect(leaves()).toEqual([[ids[1], KEYS[1]]]);

    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    expect(leaves()).toEqual(sentWith(ids));
  }, 240_000);

  it("makes all five bots leave with their own keys (RECOVER_BOTS=leave)", async () => {
    const first = await start();
    const ids = await launchBots(first, 5);
    await allInCall(first, ids, "five bots in the call");
    await crash(first);

    const second = await start({ RECOVER_BOTS: "leave" });
    await waitFor(() => baas.leaves().length === 5, 30_000, "five leave calls");
    expect(leaves()).toEqual(sentWith(ids));
    await waitFor(() => ids.every((id) => baas.bot(id).left), 10_000, "every meeting bot to leave");
    await waitFor(async () => (await Promise.all(ids.map((id) => status(second, id)))).every((info) => info.status === "ended"), 10_000, "ended");
    expect((await status(second, ids[0] ?? "")).last_error).toMatch(/RECOVER_BOTS=leave/);
    expect(second.logs("bots from before the restart recovered")[0]).toMatchObject({ resumed: 0, left: 5, leaveFailed: 0 });

    // Their ids are still known: DELETE answers, and no second leave call goes out.
    const again = await fetch(`${second.url}/bots/${ids[2]}`, { method: "DELETE" });
    expect(await json(again)).toEqual({ bot_id: ids[2], status: "ended" });
    const listed = (await json(await fetch(`${second.url}/bots`))) as { bots: { bot_id: string; status: string }[] };
    expect(listed.bots.filter((bot) => ids.includes(bot.bot_id)).map((bot) => bot.status)).toEqual(Array(5).fill("ended"));
    expect(baas.leaves()).toHaveLength(5);
  }, 240_000);

  it("makes every bot leave when SIGTERM is sent to `npm start`", async () => {
    const server = await start({}, "npm start");
    const ids = await launchBots(server, 2);
    await allInCall(server, ids, "two bots in the call");
    server.child.kill("SIGTERM");
    const exit = await server.exited;
    expect(exit.code ?? exit.signal).not.toBe(null);
    expect(leaves()).toEqual(sentWith(ids));
    expect(server.logs("bots left their meetings")[0]).toMatchObject({ left: 2, pending: 0 });
    // The server process is gone with npm, not left running without it.
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  }, 240_000);
});

describe("a resumed bot whose stream never comes back", () => {
  it("is told to leave with the key it was sent with once the connect timeout passes", async () => {
    const baas = new FakeMeetingBaas({ apiKeys: ["key-ada"], script: { connectDelayMs: null } });
    const provider = new MeetingBaasProvider({ baseUrl: await baas.start(), version: "v1" });
    const { providerBotId } = await provider.join({
      meetingUrl: MEET,
      botName: "Interviewer",
      botImage: undefined,
      entryMessage: undefined,
      extra: undefined,
      streamBase: "ws://127.0.0.1:9",
      clientId: "client-of-a-crashed-server",
      streamUrl: "ws://127.0.0.1:9/ws/client-of-a-crashed-server",
      audioFrequency: 16000,
      deduplicationKey: "interviewer-BaaS-client-of-a-crashed-server",
      webhookUrl: undefined,
      apiKey: "key-ada",
    });
    // The registry as a crashed server left it: the bot was in the call.
    const dir = mkdtempSync(join(tmpdir(), "restart-recovery-"));
    const file = join(dir, "bots.sqlite");
    const store = BotStore.open(file);
    store.saveLaunch({
      clientId: "client-of-a-crashed-server",
      provider: "meetingbaas",
      meetingUrl: MEET,
      botName: "Interviewer",
      persona: { key: "interviewer", name: "Interviewer", systemPrompt: "Interview.", entryMessage: undefined, voiceId: undefined, gender: undefined, language: "en-US", image: undefined, chosenBy: "default" },
      pipeline: "builtin",
      recorder: false,
      enableTools: false,
      audioFrequency: 16000,
      apiKey: "key-ada",
      tenant: undefined,
      meetingGroup: "weekly sync",
    });
    store.saveProviderId("client-of-a-crashed-server", providerBotId);
    store.saveStatus("client-of-a-crashed-server", "in_call", null);
    store.close();

    const server = await startTestServer({ BOT_REGISTRY_FILE: file, MEETING_BAAS_API_URL: baas.url, BOT_CONNECT_TIMEOUT_MS: "1500" });
    try {
      // Resumed into the group it was sent to, not its URL's default.
      expect(await json(await fetch(`${server.url}/bots/${providerBotId}`))).toMatchObject({ status: "in_call", meeting_group: "weekly sync" });
      expect((await json(await fetch(`${server.url}/meetings`))).meetings).toMatchObject([{ meeting_group: "weekly sync" }]);
      await waitFor(() => baas.leaves().length === 1, 20_000, "the leave call");
      expect(baas.leaves()[0]).toMatchObject({ path: `/bots/${providerBotId}`, apiKey: "key-ada" });
      await waitFor(async () => (await json(await fetch(`${server.url}/bots/${providerBotId}`))).status === "failed", 10_000, "failed");
      expect((await json(await fetch(`${server.url}/bots/${providerBotId}`))).last_error).toMatch(/never opened the audio stream/);
    } finally {
      await server.close();
      await baas.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
