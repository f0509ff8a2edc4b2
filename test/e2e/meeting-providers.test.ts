/**
 * The same voice turn as bot-lifecycle.test.ts — a spoken question, answered with a tool call and
 * spoken back — through each meeting provider's local stand-in, each speaking its own wire format:
 * MeetingBaas (binary PCM), Attendee (JSON with base64 audio, 100 ms output pieces, signed
 * webhooks for participants) and Recall.ai (JSON real-time endpoint for meeting audio and
 * participants, the bot's voice through our Output Media page's socket). Also measures the latency
 * each transport adds, from the VAD's end of speech to the first byte of the answer reaching the
 * provider, written to test-artifacts/provider-latency.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { rms } from "../../src/audio/pcm.js";
import { FakeAttendee } from "../../src/meeting/attendee/testing/fake-attendee.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeRecall } from "../../src/meeting/recall/testing/fake-recall.js";
import type { BotPipeline } from "../../src/pipeline/bot-pipeline.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, localSpeechMissing, startTestServer, waitFor } from "./helpers.js";
import { freePort } from "./server-process.js";

const MEET = "https://meet.google.com/abc-defg-hij";
const ARTIFACTS = join(process.cwd(), "test-artifacts");

/** The meeting as one provider's stand-in plays and hears it. */
interface MeetingSide {
  say(pcm: Int16Array): void;
  heard(): Int16Array;
  firstHeardAfter(since: number): number | undefined;
  left(): boolean;
}

interface ProviderCase {
  name: string;
  /** Starts the stand-in, which posts its webhooks to `serverUrl`; returns the server settings pointing at it. */
  start(serverUrl: string): Promise<Record<string, string>>;
  request: Record<string, unknown>;
  headers: Record<string, string>;
  meeting(botId: string): MeetingSide;
  leavePaths(): string[];
  leavePath(botId: string): string;
  /** Problems the stand-in saw in what our server sent. */
  violations(botId: string): Promise<string[]>;
  stop(): Promise<void>;
}

interface LatencyRow {
  provider: string;
  /** VAD end of speech → first audio frame handed to the transport (the pipeline's part). */
  pipelineMs: number;
  /** VAD end of speech → first byte of the answer at the provider. */
  atProviderMs: number;
  /** What the transport adds on top of the pipeline. */
  transportMs: number;
}

const latency: LatencyRow[] = [];

function meetingBaasCase(): ProviderCase {
  const baas = new FakeMeetingBaas({ script: { participants: ["Alice"], connectDelayMs: 20 } });
  return {
    name: "meetingbaas",
    start: async () => ({ MEETING_BAAS_API_URL: await baas.start() }),
    request: {},
    headers: { "x-meeting-baas-api-key": "test-key" },
    meeting: (botId) => {
      const bot = baas.bot(botId);
      return {
        say: (pcm) => bot.say(pcm),
        heard: () => bot.heard(),
        firstHeardAfter: (since) => bot.arrivals.find((at) => at > since),
        left: () => bot.left,
      };
    },
    leavePaths: () => baas.leaves().map((r) => r.path),
    leavePath: (botId) => `/bots/${botId}`,
    violations: async (botId) => baas.bot(botId).violations,
    stop: () => baas.stop(),
  };
}

function attendeeCase(): ProviderCase {
  const attendee = new FakeAttendee({ script: { participants: ["Alice"], connectDelayMs: 20 } });
  return {
    name: "attendee",
    start: async () => ({ ATTENDEE_API_URL: await attendee.start(), ATTENDEE_WEBHOOK_SECRET: attendee.webhookSecret }),
    request: { provider: "attendee" },
    headers: { "x-attendee-api-key": "attendee-key" },
    meeting: (botId) => {
      const bot = attendee.bot(botId);
      return {
        say: (pcm) => bot.say(pcm, "Alice"),
        heard: () => bot.heard(),
        firstHeardAfter: (since) => bot.meeting.firstHeardAfter(since),
        left: () => bot.state === "ended",
      };
    },
    leavePaths: () => attendee.leaves().map((r) => r.path),
    leavePath: (botId) => `/api/v1/bots/${botId}/leave`,
    violations: async (botId) => {
      const bot = attendee.bot(botId);
      await bot.webhooks.idle();
      const refused = bot.webhooks.deliveries.filter((d) => !d.delivered).map((d) => `webhook ${d.event} not delivered: ${d.attempts.join(",")}`);
      return [...bot.violations, ...refused, ...(bot.discardedSamples ? [`${bot.discardedSamples} samples of the bot's voice discarded`] : [])];
    },
    stop: () => attendee.stop(),
  };
}

function recallCase(): ProviderCase {
  let recall: FakeRecall | undefined;
  const fake = (): FakeRecall => {
    if (!recall) throw new Error("the Recall stand-in was not started");
    return recall;
  };
  return {
    name: "recall",
    start: async (serverUrl) => {
      recall = new FakeRecall({ script: { participants: ["Alice"], connectDelayMs: 20 }, statusWebhookUrl: `${serverUrl}/webhook/recall` });
      return { RECALL_API_URL: await recall.start(), RECALL_WEBHOOK_SECRET: recall.webhookSecret };
    },
    request: { provider: "recall" },
    headers: { "x-recall-api-key": "recall-key" },
    meeting: (botId) => {
      const bot = fake().bot(botId);
      return {
        say: (pcm) => bot.say(pcm, "Alice"),
        heard: () => bot.heard(),
        firstHeardAfter: (since) => bot.meeting.firstHeardAfter(since),
        left: () => bot.status === "done",
      };
    },
    leavePaths: () => fake().leaves().map((r) => r.path),
    leavePath: (botId) => `/api/v1/bot/${botId}/leave_call/`,
    violations: async (botId) => {
      const bot = fake().bot(botId);
      await bot.webhooks.idle();
      const refused = bot.webhooks.deliveries.filter((d) => !d.delivered).map((d) => `webhook ${d.event} not delivered: ${d.attempts.join(",")}`);
      return [...bot.violations, ...refused, ...(bot.endpointsOpen === 1 ? [] : [`${bot.endpointsOpen} real-time endpoint connections`])];
    },
    stop: async () => recall?.stop(),
  };
}

describe.each([
  ["MeetingBaas", meetingBaasCase],
  ["Attendee", attendeeCase],
  ["Recall.ai", recallCase],
] as const)("a voice turn through %s", (_label, makeCase) => {
  const provider = makeCase();
  let llm: FakeOpenAiServer;
  let server: RunningServer;

  afterEach(async () => {
    await server?.close();
    await provider.stop();
    await llm?.stop();
  });

  it.skipIf(localSpeechMissing())(`${provider.name}: hears a spoken question, answers it with a tool, and leaves on DELETE`, async () => {
    llm = new FakeOpenAiServer({
      replies: [{ toolCall: { name: "get_time", arguments: { location: "Asia/Tokyo" } } }, { text: "It is evening in Tokyo right now." }],
    });
    const port = await freePort();
    server = await startTestServer({
      ...(await provider.start(`http://127.0.0.1:${port}`)),
      PORT: String(port),
      BASE_URL: `http://127.0.0.1:${port}`,
      LLM_BASE_URL: await llm.start(),
      LLM_MODEL: "scripted",
    });
    const created = await fetch(`${server.url}/bots`, {
      method: "POST",
      headers: { "content-type": "application/json", ...provider.headers },
      body: JSON.stringify({ meeting_url: MEET, personas: ["interviewer"], entry_message: "Hello, I am listening.", ...provider.request }),
    });
    expect(created.status, JSON.stringify(await created.clone().json())).toBe(201);
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const info = async () => (await json(await fetch(`${server.url}/bots/${botId}`))) as { status: string; provider: string; speaking: boolean };
    expect((await info()).provider).toBe(provider.name);

    await waitFor(async () => (await info()).status === "in_call", 5000, "in_call");
    const meeting = provider.meeting(botId);
    await waitFor(() => meeting.heard().length > 16000, 8000, "entry message audio");
    expect(rms(meeting.heard())).toBeGreaterThan(0.01);
    await waitFor(async () => !(await info()).speaking, 10_000, "entry message to finish");

    let vadStoppedAt: number | undefined;
    const engine = server.bots.get(botId)?.engine as BotPipeline;
    engine.metricsTracker.onTurnComplete((row) => {
      vadStoppedAt ??= performance.now() - (row.first_audio_out ?? 0);
    });
    const before = meeting.heard().length;
    meeting.say(await loadSpeech("time-question"));
    await waitFor(() => llm.requests.length >= 2, 15_000, "the LLM to be asked twice (tool round)");
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).toMatch(/^Alice: .*time/i);
    expect(llm.requests[1]?.messages.some((m) => m.role === "tool" && /Tokyo/.test(String(m.content)))).toBe(true);
    await waitFor(() => meeting.heard().length > before + 16000, 15_000, "the spoken answer");
    await waitFor(async () => !(await info()).speaking, 15_000, "the answer to finish");

    const turn = ((await json(await fetch(`${server.url}/bots/${botId}`))) as { metrics: { turns: Record<string, number | null>[] } }).metrics.turns.at(-1);
    const pipelineMs = turn?.first_audio_out ?? Number.NaN;
    const firstAtProvider = vadStoppedAt === undefined ? undefined : meeting.firstHeardAfter(vadStoppedAt);
    expect(firstAtProvider).toBeDefined();
    const atProviderMs = (firstAtProvider ?? 0) - (vadStoppedAt ?? 0);
    latency.push({ provider: provider.name, pipelineMs: Math.round(pipelineMs), atProviderMs: Math.round(atProviderMs), transportMs: Math.round(atProviderMs - pipelineMs) });

    const left = await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" });
    expect(await json(left)).toEqual({ bot_id: botId, status: "ended" });
    expect(provider.leavePaths()).toEqual([provider.leavePath(botId)]);
    await waitFor(() => meeting.left(), 2000, "the provider's bot to leave");
    expect(await provider.violations(botId)).toEqual([]);
  });
});

afterAll(() => {
  if (latency.length === 0) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, "provider-latency.json"), `${JSON.stringify(latency, null, 2)}\n`);
  const lines = latency.map((row) => `  ${row.provider.padEnd(12)} pipeline ${String(row.pipelineMs).padStart(5)} ms  at provider ${String(row.atProviderMs).padStart(5)} ms  transport +${row.transportMs} ms`);
  process.stdout.write(`VAD stop → first audio byte out, per provider:\n${lines.join("\n")}\n`);
});
