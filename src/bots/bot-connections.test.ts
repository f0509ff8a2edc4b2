import { describe, expect, it } from "vitest";
import { Bot, type BotSettings, type EngineHooks } from "./bot.js";
import type { TranscriptLine, VoicePipeline } from "../core/bot-contracts.js";
import type { Speaker } from "../core/speaker.js";
import { silentLogger } from "../logger.js";
import { applyParticipantChange } from "./provider-events.js";
import { ParticipantRoster } from "../meeting/provider-events/participant-roster.js";
import { type BotConnection, BotConnections } from "./bot-connections.js";

const settings: BotSettings = {
  clientId: "client",
  botName: "Guide",
  personaKey: "k",
  meetingUrl: "https://meet.google.com/abc-defg-hij",
  providerName: "recall",
  pipeline: "builtin",
  recorder: false,
  streamSampleRate: 16000,
  streamBase: "ws://127.0.0.1:1",
  connectTimeoutMs: 60_000,
  reconnectGraceMs: 60_000,
  meetingGroup: "meet.google.com/abc-defg-hij",
};

class RecordingEngine implements VoicePipeline {
  readonly rosters: Speaker[][] = [];
  send: (pcm: Int16Array) => void;
  constructor(hooks: EngineHooks) {
    this.send = hooks.sendAudio;
  }
  async start(): Promise<void> {}
  admitted(): void {}
  pushAudio(): void {}
  pushSpeakers(speakers: Speaker[]): void {
    this.rosters.push(speakers);
  }
  isSpeaking(): boolean {
    return false;
  }
  metrics() {
    return { turns: [], stages: {} };
  }
  onTranscript(_listener: (line: TranscriptLine) => void): void {}
  async stop(): Promise<void> {}
}

function botWithEngine(): { bot: Bot; engine: RecordingEngine } {
  let engine: RecordingEngine | undefined;
  const bot = new Bot(
    settings,
    (hooks) => {
      engine = new RecordingEngine(hooks);
      return engine;
    },
    { onFinished: () => undefined, onFailed: () => undefined, onTranscript: () => undefined },
    silentLogger,
  );
  if (!engine) throw new Error("no engine");
  return { bot, engine };
}

function connection(role: BotConnection["role"]) {
  const voice: number[] = [];
  const closes: [number, string][] = [];
  const conn: BotConnection = {
    role,
    ...(role === "duplex" && { sendVoice: (pcm: Int16Array) => voice.push(pcm.length) }),
    close: (code, reason) => closes.push([code, reason]),
  };
  return { conn, voice, closes };
}

describe("a bot's provider connections", () => {
  it("send the voice to the duplex connection, hear the listener only while no duplex one is open, and detach with the last", async () => {
    const { bot, engine } = botWithEngine();
    const hub = BotConnections.of(bot);
    const endpoint = connection("listener");
    hub.add(endpoint.conn);
    expect(hub.hearsFrom(endpoint.conn)).toBe(true);
    engine.send(new Int16Array(320));
    const page = connection("duplex");
    hub.add(page.conn);
    expect(hub.hearsFrom(endpoint.conn)).toBe(false);
    expect(hub.hearsFrom(page.conn)).toBe(true);
    engine.send(new Int16Array(320));
    expect(page.voice).toEqual([320]);

    const newerPage = connection("duplex");
    hub.add(newerPage.conn);
    expect(page.closes).toEqual([[1000, "replaced by a newer connection"]]);
    hub.remove(page.conn);
    engine.send(new Int16Array(160));
    expect(newerPage.voice).toEqual([160]);

    hub.remove(newerPage.conn);
    expect(hub.hearsFrom(endpoint.conn)).toBe(true);
    hub.remove(endpoint.conn);
    await bot.leave();
    expect(endpoint.closes).toEqual([]);
  });

  it("closes every connection when the bot leaves, and refuses new ones afterwards", async () => {
    const { bot } = botWithEngine();
    const hub = BotConnections.of(bot);
    const endpoint = connection("listener");
    const page = connection("duplex");
    hub.add(endpoint.conn);
    hub.add(page.conn);
    await bot.leave();
    expect(endpoint.closes).toEqual([[1000, "bot left the meeting"]]);
    expect(page.closes).toEqual([[1000, "bot left the meeting"]]);
    const late = connection("duplex");
    hub.add(late.conn);
    expect(late.closes).toEqual([[1008, "this bot has left the meeting"]]);
  });
});

describe("participant events as rosters", () => {
  it("keeps everyone present with a speaking flag, leaves the bot itself out, and reports only real changes", () => {
    const roster = new ParticipantRoster("Guide");
    const at = 1_700_000_000_000;
    expect(roster.apply({ participantId: "a", name: "Alice", kind: "join", at })).toEqual([{ name: "Alice", id: 1, isSpeaking: false, timestamp: at }]);
    expect(roster.apply({ participantId: "g", name: "Guide", kind: "join", at })).toBeUndefined();
    expect(roster.apply({ participantId: "b", name: "Bob", kind: "speech_on", at })).toEqual([
      { name: "Alice", id: 1, isSpeaking: false, timestamp: at },
      { name: "Bob", id: 2, isSpeaking: true, timestamp: at },
    ]);
    expect(roster.apply({ participantId: "b", name: "Bob", kind: "speech_on", at: at + 5 })).toBeUndefined();
    expect(roster.apply({ participantId: "b", name: "Bob", kind: "speech_off", at })?.find((s) => s.name === "Bob")?.isSpeaking).toBe(false);
    expect(roster.apply({ participantId: "a", name: "Alice", kind: "leave", at })).toEqual([{ name: "Bob", id: 2, isSpeaking: false, timestamp: at }]);
    expect(roster.apply({ participantId: "zz", name: "Nobody", kind: "leave", at })).toBeUndefined();
  });

  it("reach the bot's engine once its stream is up", async () => {
    const { bot, engine } = botWithEngine();
    BotConnections.of(bot).add(connection("listener").conn);
    await new Promise((resolve) => setTimeout(resolve, 0));
    applyParticipantChange(bot, { participantId: "7", name: "Alice", kind: "speech_on", at: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(engine.rosters.at(-1)).toEqual([{ name: "Alice", id: 1, isSpeaking: true, timestamp: 1 }]);
    expect(bot.status).toBe("in_call");
    await bot.leave();
  });
});
