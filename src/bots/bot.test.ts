import { afterEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../logger.js";
import { Bot, type BotEvents, type BotSettings, type EngineHooks } from "./bot.js";
import type { MeetingStream, TranscriptLine, VoicePipeline } from "../core/bot-contracts.js";

const settings: BotSettings = {
  clientId: "client",
  botName: "Bot",
  personaKey: "k",
  meetingUrl: "https://meet.google.com/abc-defg-hij",
  providerName: "meetingbaas",
  pipeline: "builtin",
  recorder: false,
  streamSampleRate: 16000,
  streamBase: "ws://127.0.0.1:1",
  connectTimeoutMs: 60_000,
  reconnectGraceMs: 60_000,
  meetingGroup: "meet.google.com/abc-defg-hij",
};

class FakeEngine implements VoicePipeline {
  audio = 0;
  stopped = 0;
  listeners: ((line: TranscriptLine) => void)[] = [];
  constructor(readonly hooks: EngineHooks) {}
  async start(): Promise<void> {}
  admitted(): void {}
  pushAudio(): void {
    this.audio += 1;
  }
  pushSpeakers(): void {}
  isSpeaking(): boolean {
    return false;
  }
  metrics() {
    return { turns: [], stages: {} };
  }
  onTranscript(listener: (line: TranscriptLine) => void): void {
    this.listeners.push(listener);
  }
  async stop(): Promise<void> {
    this.stopped += 1;
  }
}

function setup(events: Partial<BotEvents> = {}) {
  let engine: FakeEngine | undefined;
  const failed: Bot[] = [];
  const closes: [number, string][] = [];
  const bot = new Bot(
    settings,
    (hooks) => {
      engine = new FakeEngine(hooks);
      return engine;
    },
    { onFinished: () => undefined, onFailed: (b) => failed.push(b), onTranscript: () => undefined, ...events },
    silentLogger,
  );
  const stream: MeetingStream = { sendAudio: () => undefined, close: (code, reason) => closes.push([code, reason]) };
  if (!engine) throw new Error("no engine");
  return { bot, engine, failed, closes, stream };
}

async function settle(bot: Bot): Promise<void> {
  for (let i = 0; i < 50 && !bot.isFinal; i++) await new Promise((resolve) => setTimeout(resolve, 1));
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Bot fault isolation", () => {
  it("fails and asks to leave when the engine throws on audio, and tells the stream why", async () => {
    const { bot, engine, failed, closes, stream } = setup();
    bot.attachStream(stream);
    await new Promise((resolve) => setTimeout(resolve, 0));
    engine.pushAudio = () => {
      throw new Error("boom");
    };
    bot.receiveAudio(new Int16Array(160));
    bot.receiveAudio(new Int16Array(160));
    await settle(bot);
    expect(bot.info()).toMatchObject({ status: "failed", last_error: "voice pipeline failed in pushAudio: boom" });
    expect(failed).toEqual([bot]);
    expect(engine.stopped).toBe(1);
    expect(closes).toEqual([[1011, "bot failed"]]);
  });

  it("owns a rejection from an engine method written async", async () => {
    const { bot, engine, failed, stream } = setup();
    bot.attachStream(stream);
    await new Promise((resolve) => setTimeout(resolve, 0));
    engine.pushSpeakers = async () => {
      throw new Error("late");
    };
    bot.receiveSpeakers([]);
    await settle(bot);
    expect(bot.info()).toMatchObject({ status: "failed", last_error: "voice pipeline failed in pushSpeakers: late" });
    expect(failed).toHaveLength(1);
  });

  it("fails when the engine does not start", async () => {
    const { bot, engine, stream } = setup();
    engine.start = () => Promise.reject(new Error("no decoder"));
    bot.attachStream(stream);
    await settle(bot);
    expect(bot.info()).toMatchObject({ status: "failed", last_error: "voice pipeline failed in start: no decoder" });
  });

  it("fails once when the engine reports a fatal error, however often", async () => {
    const { bot, engine, failed, stream } = setup();
    bot.attachStream(stream);
    engine.hooks.onFatal(new Error("stage response failed 5 times within 5 s"));
    engine.hooks.onFatal(new Error("again"));
    await settle(bot);
    expect(bot.info()).toMatchObject({ status: "failed", last_error: "voice pipeline failed: stage response failed 5 times within 5 s" });
    expect(failed).toHaveLength(1);
    expect(engine.stopped).toBe(1);
  });

  it("finishes failing even when the engine never stops", async () => {
    vi.useFakeTimers();
    const { bot, engine, stream } = setup();
    engine.stop = () => new Promise(() => undefined);
    bot.attachStream(stream);
    engine.hooks.onFatal(new Error("wedged"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(bot.status).toBe("failed");
  });

  it("reports a metrics call that throws as a failure, and still answers", () => {
    const { bot, engine } = setup();
    engine.metrics = () => {
      throw new Error("bad metrics");
    };
    expect(bot.info().metrics).toEqual({ turns: [], stages: {} });
    expect(bot.info().last_error).toBe("voice pipeline failed in metrics: bad metrics");
  });

  it("keeps going when a transcript listener throws", async () => {
    const { bot, engine, stream } = setup({
      onTranscript: () => {
        throw new Error("listener broke");
      },
    });
    bot.attachStream(stream);
    for (const listener of engine.listeners) listener({ role: "heard", text: "hi", speaker: null, final: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(bot.status).toBe("joining");
    expect(bot.info().last_error).toBeNull();
  });

  it("turns away a stream that comes after the bot failed", async () => {
    const { bot, engine } = setup();
    engine.hooks.onFatal(new Error("x"));
    await settle(bot);
    const late: [number, string][] = [];
    bot.attachStream({ sendAudio: () => undefined, close: (code, reason) => late.push([code, reason]) });
    expect(late).toEqual([[1008, "this bot has left the meeting"]]);
  });
});
