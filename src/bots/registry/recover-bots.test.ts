/**
 * Recovery after a crash, against a registry file and a local server that answers like MeetingBaas:
 * which saved bots are resumed, which are told to leave (with the key each was sent with), and what
 * the registry says about each afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../logger.js";
import { MeetingBaasProvider } from "../../meeting/meetingbaas/meetingbaas-provider.js";
import { FakeMeetingBaas } from "../../meeting/meetingbaas/testing/fake-meetingbaas.js";
import { ProviderRegistry } from "../../meeting/provider-registry.js";
import type { Bot } from "../bot.js";
import type { ResolvedPersona } from "../../core/bot-contracts.js";
import type { BotStatus } from "../bot-request.js";
import { BotStore } from "./bot-store.js";
import { type RecoveryMode, recoverBots, recoveryAction } from "./recover-bots.js";
import type { NewSavedBot, ResumableBot, SavedBot } from "./saved-bot.js";

const MEET = "https://meet.google.com/abc-defg-hij";
const persona: ResolvedPersona = {
  key: "storyteller",
  name: "Storyteller",
  systemPrompt: "Tell stories.",
  entryMessage: undefined,
  voiceId: undefined,
  gender: undefined,
  language: "en-US",
  image: undefined,
  chosenBy: "default",
};

describe("recoveryAction", () => {
  const saved = (overrides: Partial<SavedBot>): SavedBot => ({
    clientId: "c",
    providerBotId: "p",
    provider: "meetingbaas",
    meetingUrl: MEET,
    botName: "Storyteller",
    persona,
    personaKey: persona.key,
    pipeline: "builtin",
    recorder: false,
    enableTools: true,
    audioFrequency: 16000,
    status: "in_call",
    lastError: null,
    apiKey: "k",
    tenant: null,
    meetingGroup: "meet.google.com/abc",
    createdAt: "t",
    updatedAt: "t",
    endedAt: null,
    ...overrides,
  });

  it.each<[string, Partial<SavedBot>, RecoveryMode, string]>([
    ["a MeetingBaas bot in the call", {}, "resume", "resume"],
    ["a MeetingBaas bot still joining", { status: "joining" }, "resume", "resume"],
    ["any bot when told to leave", {}, "leave", "leave"],
    ["a bot that was leaving", { status: "leaving" }, "resume", "leave"],
    ["a bot whose persona is unreadable", { persona: null }, "resume", "leave"],
    ["a built-in room bot", { provider: "local" }, "resume", "close:ended"],
    ["a bot the provider never answered for", { providerBotId: null }, "resume", "close:failed"],
  ])("%s", (_name, overrides, mode, expected) => {
    const action = recoveryAction(saved(overrides), mode);
    expect(action.kind === "close" ? `close:${action.status}` : action.kind).toBe(expected);
  });
});

describe("recoverBots", () => {
  let baas: FakeMeetingBaas;
  let store: BotStore;
  let providers: ProviderRegistry;
  let meetingBaas: MeetingBaasProvider;
  let dir: string;
  const resumed: ResumableBot[] = [];

  beforeEach(async () => {
    baas = new FakeMeetingBaas({ apiKeys: ["key-one", "key-two"], script: { connectDelayMs: null } });
    meetingBaas = new MeetingBaasProvider({ baseUrl: await baas.start(), version: "v1" });
    providers = new ProviderRegistry([meetingBaas], undefined);
    dir = mkdtempSync(join(tmpdir(), "recover-"));
    store = BotStore.open(join(dir, "bots.sqlite"));
    resumed.length = 0;
  });
  afterEach(async () => {
    store.close();
    await baas.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bot the provider really holds, saved as the crashed server left it. */
  async function savedInMeeting(clientId: string, status: BotStatus, apiKey: string, savedKey = apiKey): Promise<string> {
    const { providerBotId } = await meetingBaas.join({
      meetingUrl: MEET,
      botName: "Storyteller",
      botImage: undefined,
      entryMessage: undefined,
      extra: undefined,
      streamBase: "ws://127.0.0.1:9",
      clientId,
      streamUrl: `ws://127.0.0.1:9/ws/${clientId}`,
      audioFrequency: 16000,
      deduplicationKey: `storyteller-BaaS-${clientId}`,
      webhookUrl: undefined,
      apiKey,
    });
    save(clientId, status, providerBotId, { apiKey: savedKey });
    return providerBotId;
  }

  function save(clientId: string, status: BotStatus, providerBotId: string | null, extra: Partial<NewSavedBot> = {}): void {
    store.saveLaunch({
      clientId,
      provider: "meetingbaas",
      meetingUrl: MEET,
      botName: "Storyteller",
      persona,
      pipeline: "builtin",
      recorder: false,
      enableTools: true,
      audioFrequency: 16000,
      apiKey: "key-one",
      tenant: undefined,
      meetingGroup: "weekly sync",
      ...extra,
    });
    if (providerBotId) store.saveProviderId(clientId, providerBotId);
    if (status !== "joining") store.saveStatus(clientId, status, null);
  }

  function recover(mode: RecoveryMode, failResume: string[] = [], leaveRetryDelayMs?: number) {
    return recoverBots({
      leaveRetryDelayMs,
      store,
      providers,
      mode,
      serverApiKey: undefined,
      logger: silentLogger,
      bots: {
        resume(bot) {
          if (failResume.includes(bot.clientId)) throw new Error("the engine could not be built");
          resumed.push(bot);
          return {} as Bot;
        },
      },
    });
  }

  it("makes every saved MeetingBaas bot leave with its own key when RECOVER_BOTS=leave", async () => {
    const one = await savedInMeeting("client-one", "in_call", "key-one");
    const two = await savedInMeeting("client-two", "joining", "key-two");
    save("client-room", "in_call", "room-bot", { provider: "local", meetingUrl: "local:lobby" });
    save("client-unanswered", "joining", null);
    save("client-gone", "in_call", "unknown-to-the-provider");
    // Sent with a key the provider has since stopped accepting: the leave is refused and not retried.
    const revoked = await savedInMeeting("client-revoked", "in_call", "key-one", "revoked-key");

    const recovery = recover("leave");
    expect(recovery.resumed).toEqual([]);
    expect(store.find(one)?.status).toBe("leaving");
    const summary = await recovery.done;

    expect(resumed).toEqual([]);
    const leaves = baas.leaves().map((request) => ({ path: request.path, apiKey: request.apiKey }));
    expect(leaves).toEqual(
      expect.arrayContaining([
        { path: `/bots/${one}`, apiKey: "key-one" },
        { path: `/bots/${two}`, apiKey: "key-two" },
        { path: `/bots/${revoked}`, apiKey: "revoked-key" },
        { path: "/bots/unknown-to-the-provider", apiKey: "key-one" },
      ]),
    );
    expect(leaves).toHaveLength(4);
    expect(baas.bot(one).left && baas.bot(two).left).toBe(true);
    expect(baas.bot(revoked).left).toBe(false);
    expect(store.find(one)).toMatchObject({ status: "ended", lastError: expect.stringMatching(/RECOVER_BOTS=leave/) });
    expect(store.find("client-room")).toMatchObject({ status: "ended", lastError: expect.stringMatching(/built-in room/) });
    expect(store.find("client-unanswered")).toMatchObject({ status: "failed", lastError: expect.stringMatching(/id for this bot is unknown/) });
    expect(store.find("unknown-to-the-provider")).toMatchObject({ status: "ended", lastError: expect.stringMatching(/already ended/) });
    expect(store.find(revoked)).toMatchObject({ status: "failed", lastError: expect.stringMatching(/could not make it leave: meetingbaas: 401/) });
    expect(store.unfinished()).toEqual([]);
    expect(summary).toEqual({ resumed: 0, left: 3, leaveFailed: 1, closed: 2 });
  });

  it("resumes the bots it can and makes the others leave when RECOVER_BOTS=resume", async () => {
    const inCall = await savedInMeeting("client-in-call", "in_call", "key-one");
    const joining = await savedInMeeting("client-joining", "joining", "key-two");
    const wasLeaving = await savedInMeeting("client-was-leaving", "leaving", "key-one");
    const cannotBuild = await savedInMeeting("client-cannot-build", "in_call", "key-two");

    const recovery = recover("resume", ["client-cannot-build"]);
    expect(recovery.resumed).toEqual(["client-in-call", "client-joining"]);
    expect(resumed.map((bot) => ({ clientId: bot.clientId, providerBotId: bot.providerBotId, status: bot.status, apiKey: bot.apiKey }))).toEqual([
      { clientId: "client-in-call", providerBotId: inCall, status: "in_call", apiKey: "key-one" },
      { clientId: "client-joining", providerBotId: joining, status: "joining", apiKey: "key-two" },
    ]);
    expect(resumed[0]?.persona).toEqual(persona);
    const summary = await recovery.done;

    expect(baas.leaves().map((request) => request.path).sort()).toEqual([`/bots/${cannotBuild}`, `/bots/${wasLeaving}`].sort());
    expect(baas.leaves().find((request) => request.path.endsWith(cannotBuild))?.apiKey).toBe("key-two");
    expect(store.find(cannotBuild)).toMatchObject({ status: "ended", lastError: expect.stringMatching(/could not be resumed \(the engine could not be built\)/) });
    expect(store.find(wasLeaving)?.status).toBe("ended");
    // Resumed bots stay as they were until the resumed bot itself reports.
    expect(store.find(inCall)?.status).toBe("in_call");
    expect(summary).toEqual({ resumed: 2, left: 2, leaveFailed: 0, closed: 0 });
  });

  it("retries a provider in trouble a few times, then records that the bot may still be in its meeting", async () => {
    const outage = createServer((request, response) => {
      outageHits.push({ path: request.url, apiKey: request.headers["x-meeting-baas-api-key"] });
      response.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ message: "Service Unavailable" }));
    });
    const outageHits: { path: string | undefined; apiKey: string | string[] | undefined }[] = [];
    await new Promise<void>((resolve) => outage.listen(0, "127.0.0.1", resolve));
    const port = (outage.address() as AddressInfo).port;
    providers = new ProviderRegistry([new MeetingBaasProvider({ baseUrl: `http://127.0.0.1:${port}`, version: "v1" })], undefined);
    save("client-outage", "in_call", "provider-outage");

    const summary = await recover("leave", [], 5).done;
    outage.closeAllConnections();
    outage.close();

    expect(outageHits).toEqual(Array(3).fill({ path: "/bots/provider-outage", apiKey: "key-one" }));
    expect(summary.leaveFailed).toBe(1);
    expect(store.find("provider-outage")).toMatchObject({ status: "failed", lastError: expect.stringMatching(/could not make it leave: meetingbaas: 503 Service Unavailable/) });
  });
});
