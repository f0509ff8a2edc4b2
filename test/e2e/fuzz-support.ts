/**
 * @module test/e2e/fuzz-support
 * What the fuzz suites share: a server wired to a MeetingBaas emulator and an OpenAI-compatible
 * fake (answering persona designs with valid JSON and questions with a sentence), hostile strings
 * and JSON mutations driven by a seeded generator, and a legitimate bot in a meeting whose audio
 * must keep flowing both ways while the fuzzing goes on.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rms } from "../../src/audio/pcm.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeMeetingBot } from "../../src/meeting/meetingbaas/testing/fake-meeting-bot.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import type { SeededRandom } from "../../src/util/testing/seeded-random.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, startTestServer, waitFor } from "./helpers.js";

export const LEGIT_MEETING = "https://meet.google.com/abc-defg-hij";

const PERSONA_JSON = JSON.stringify({
  name: "Fuzzy Helper",
  prompt: "You help people in meetings. You keep answers short, kind and to the point, and you ask before you assume anything.",
  characteristics: ["patient", "precise"],
  voice: ["calm and warm"],
  gender: "non-binary",
  entry_message: "Hello, I am here to help.",
  language_code: "en-US",
});

export interface FuzzRig {
  server: RunningServer;
  baas: FakeMeetingBaas;
  llm: FakeOpenAiServer;
  close(): Promise<void>;
}

export async function startFuzzRig(env: Record<string, string> = {}): Promise<FuzzRig> {
  const dataDir = await mkdtemp(join(tmpdir(), "fuzz-data-"));
  // Fuzz-created bots are never dialed; only the legitimate bot's stream is opened, by the test.
  const baas = new FakeMeetingBaas({ script: { connectDelayMs: null } });
  const llm = new FakeOpenAiServer({
    reply: (body) => {
      const system = String(body.messages[0]?.content ?? "");
      if (system.includes("design personas")) return { text: PERSONA_JSON };
      return { text: "It is evening in Tokyo right now." };
    },
  });
  const server = await startTestServer({
    MEETING_BAAS_API_URL: await baas.start(),
    MEETING_BAAS_API_KEY: "test-key",
    LLM_BASE_URL: await llm.start(),
    LLM_MODEL: "scripted",
    DATA_DIR: dataDir,
    BOT_CONNECT_TIMEOUT_MS: "4000",
    // Hostile bodies must reach validation rather than stop at the launch rate (tested on its own).
    RATE_LIMIT_BOTS_PER_MINUTE: "0",
    RATE_LIMIT_PERSONAS_PER_MINUTE: "0",
    ...env,
  });
  return {
    server,
    baas,
    llm,
    async close() {
      await server.close();
      await baas.stop();
      await llm.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bot in a (emulated) meeting that must keep hearing and speaking whatever else happens. */
export interface LegitBot {
  botId: string;
  meeting: FakeMeetingBot;
  /** Someone asks a question; resolves once the bot was heard answering it. */
  provesItTalks(): Promise<void>;
  /** Whether the bot is still in the call with its stream open. */
  healthy(): Promise<boolean>;
}

export async function startLegitBot(rig: FuzzRig): Promise<LegitBot> {
  const { server, baas, llm } = rig;
  const known = new Set(baas.bots.keys());
  const creating = fetch(`${server.url}/bots`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ meeting_url: LEGIT_MEETING, personas: ["interviewer"], entry_message: "Hello, I am listening." }),
  });
  // The emulated provider dials the moment it is asked to join, as a real one may: on a busy machine
  // the launch's answer can come after this rig's 4 s connect timeout has already failed the bot.
  const botId = await waitFor(() => [...baas.bots.keys()].find((id) => !known.has(id)), 30_000, "the legitimate bot's join request");
  const streamUrl = baas.bot(botId).streamUrl;
  if (!streamUrl) throw new Error("the legitimate bot's stream URL was not sent to the provider");
  const meeting = new FakeMeetingBot(botId, streamUrl, 16000, { participants: ["Alice"], connectDelayMs: 0 });
  const created = await creating;
  if (created.status !== 201) throw new Error(`the legitimate bot was refused: ${created.status} ${await created.text()}`);
  const answered = ((await json(created)) as { bot_id: string }).bot_id;
  if (answered !== botId) throw new Error(`the launch answered bot ${answered}, the provider was asked for ${botId}`);
  const status = async () => ((await json(await fetch(`${server.url}/bots/${botId}`))) as { status: string; speaking: boolean }).status;
  await waitFor(async () => (await status()) === "in_call", 10_000, "the legitimate bot to be in the call");
  await waitFor(() => rms(meeting.heard()) > 0.01, 20_000, "the legitimate bot's entry message");
  return {
    botId,
    meeting,
    async provesItTalks() {
      await waitFor(async () => !((await json(await fetch(`${server.url}/bots/${botId}`))) as { speaking: boolean }).speaking, 20_000, "the bot to finish speaking");
      const asked = llm.requests.length;
      const before = meeting.heard().length;
      meeting.say(await loadSpeech("time-question"));
      await waitFor(() => llm.requests.length > asked, 30_000, "the legitimate bot to hear the question and ask its LLM");
      await waitFor(() => {
        const answer = meeting.heard().subarray(before);
        return answer.length > 16000 && rms(answer) > 0.005;
      }, 30_000, "the legitimate bot's spoken answer");
    },
    async healthy() {
      return meeting.connected && !meeting.left && (await status()) === "in_call";
    },
  };
}

/** Strings that have broken parsers, URL handling, logs and file systems before. */
export const HOSTILE_STRINGS: readonly string[] = [
  "", " ", "\t", "\n", "\r\n", "\u0000", "\u001b[2J", "\u2028", "\ufeff", "\ud800", "null", "undefined", "NaN", "-1", "0", "1e309",
  "true", "[]", "{}", "__proto__", "constructor", "prototype", "../../etc/passwd", "..\\..\\windows", "%00", "%", "%zz", "%E0%A4%A",
  "<script>alert(1)</script>", "'; DROP TABLE bots; --", "$\u007bjndi:ldap://x}", "{{7*7}}", "ws://[", "wss://", "ws://u:p@h", "http://[::1",
  "javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "local:", "local:../x", "local:lobby", "http://127.0.0.1:1/meet/x",
  "https://meet.google.com/x", "https://teams.microsoft.com/meet/1?p=x", "https://evil.example/meet/lobby", "https://zoom.us/j/1?pwd=1",
  "中文名字", "مرحبا", "🤖👩‍💻", "Zoë", "\u202eevil", "## Voice\n# x", "a".repeat(300), "é".repeat(5000), "x".repeat(100_000),
];

/** Whether a string can be put in a URL (lone surrogates cannot). */
export function encodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** A random value of a random JSON type, sometimes hostile, sometimes nested. */
export function randomJsonValue(random: SeededRandom, depth = 0): unknown {
  const kind = random.int(0, depth > 2 ? 5 : 7);
  switch (kind) {
    case 0:
      return random.pick(HOSTILE_STRINGS);
    case 1:
      return random.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 16000, 24000]);
    case 2:
      return random.chance(0.5);
    case 3:
      return null;
    case 4:
      return random.text(HOSTILE_STRINGS.slice(0, 40), random.int(1, 6));
    case 5:
      return random.pick(["16khz", "24khz", "builtin", "pipecat", "interviewer", "male", "bot.status_change", "call_ended"]);
    case 6:
      return Array.from({ length: random.int(0, 4) }, () => randomJsonValue(random, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = random.int(0, 4); i > 0; i--) out[random.pick(["a", "__proto__", "constructor", "bot_id", "status", "code", "x"])] = randomJsonValue(random, depth + 1);
      return out;
    }
  }
}

/** A valid body with a few fields removed, added, or replaced by hostile values. */
export function mutateBody(random: SeededRandom, template: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = structuredClone(template);
  const keys = Object.keys(body);
  for (let i = random.int(0, 3); i > 0; i--) {
    const action = random.int(0, 3);
    const key = keys.length ? random.pick(keys) : "x";
    if (action === 0) delete body[key];
    else if (action === 1) body[random.pick(["unknown", "__proto__", "constructor", "meeting_url ", "BOT_NAME"])] = randomJsonValue(random);
    else body[key] = randomJsonValue(random);
  }
  return body;
}

/** Every key of a JSON value, nested ones included; a 400 must name one of them (or where it looked). */
export function keysOf(value: unknown, depth = 0, into = new Set<string>()): Set<string> {
  if (depth > 4 || value === null || typeof value !== "object") return into;
  for (const [key, item] of Object.entries(value)) {
    into.add(key);
    keysOf(item, depth + 1, into);
  }
  return into;
}
