import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { createResampler } from "../../audio/resampler.js";
import { silentLogger } from "../../logger.js";
import { InboundBudget } from "../inbound-budget.js";
import { decodePipecat } from "./pipecat-codec.js";
import { PipecatRelay, type PipecatRelayHooks } from "./pipecat-relay.js";
import { pipecatAudioFrame, pipecatTextFrame, pipecatTranscriptionFrame, toneBytes } from "./testing/pipecat-frames.js";

interface Harness {
  relay: PipecatRelay;
  played: Int16Array[];
  fatal: Error[];
  stops: number;
  connect(): Promise<WebSocket>;
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function harness(hooks: Partial<PipecatRelayHooks> = {}): Promise<Harness> {
  const played: Int16Array[] = [];
  const fatal: Error[] = [];
  const state = { stops: 0 };
  const relay = new PipecatRelay(
    {
      botId: "b",
      streamSampleRate: 16000,
      persona: { key: "k", name: "Bot", systemPrompt: "", entryMessage: "Hi", voiceId: undefined, gender: undefined, language: "en-US", image: undefined, chosenBy: "test" },
      enableTools: false,
      sendAudio: (pcm) => played.push(pcm),
      onFatal: (error) => fatal.push(error),
    },
    { token: "t", logger: silentLogger, onStop: () => (state.stops += 1), ...hooks },
  );
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push(server);
  server.on("connection", (socket) => relay.attachPeer(socket));
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    relay,
    played,
    fatal,
    get stops() {
      return state.stops;
    },
    async connect() {
      const socket = new WebSocket(url);
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      return socket;
    },
  };
}

const closed = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("PipecatRelay", () => {
  it("sends the meeting's audio to the pipeline and plays its voice at the meeting's rate", async () => {
    const h = await harness();
    const peer = await h.connect();
    const received: ReturnType<typeof decodePipecat>[] = [];
    peer.on("message", (data: Buffer) => received.push(decodePipecat(new Uint8Array(data))));
    await until(() => h.relay.peerConnected, "the peer to attach");
    h.relay.pushAudio(new Int16Array(160));
    await until(() => received.length > 0, "meeting audio at the peer");
    expect(received[0]).toMatchObject({ kind: "audio", sampleRate: 16000 });
    for (let i = 0; i < 5; i++) peer.send(pipecatAudioFrame({ audio: toneBytes(0.02, 48000), sampleRate: 48000 }));
    await until(() => h.played.reduce((n, pcm) => n + pcm.length, 0) >= 1400, "the pipeline's voice, resampled");
    expect(h.fatal).toEqual([]);
    expect(h.relay.isSpeaking()).toBe(true);
  });

  it("builds one resampler for early frames that arrive before it is ready, and plays them in order", async () => {
    const create = vi.fn(createResampler);
    const h = await harness({ createResampler: create });
    const peer = await h.connect();
    const first = Int16Array.from({ length: 480 }, () => 1000);
    const second = Int16Array.from({ length: 480 }, () => -1000);
    peer.send(pipecatAudioFrame({ audio: new Uint8Array(first.buffer), sampleRate: 16000 }));
    peer.send(pipecatAudioFrame({ audio: new Uint8Array(second.buffer), sampleRate: 16000 }));
    await until(() => h.played.length === 2, "both early frames");
    expect(create).toHaveBeenCalledTimes(1);
    expect(h.played.map((pcm) => pcm[0])).toEqual([1000, -1000]);
  });

  it("refuses a second pipeline while one is connected, and takes a new one after it left", async () => {
    const h = await harness();
    const first = await h.connect();
    await until(() => h.relay.peerConnected, "the first peer");
    const second = await h.connect();
    expect(await closed(second)).toEqual({ code: 1008, reason: "another Pipecat pipeline is already connected to this bot" });
    const gone = closed(first);
    first.close();
    await gone;
    await until(() => !h.relay.peerConnected, "the first peer to leave");
    await h.connect();
    await until(() => h.relay.peerConnected, "the next peer");
  });

  it.each([
    ["a text frame", (peer: WebSocket) => peer.send("hello"), 1003],
    ["sample rate 0", (peer: WebSocket) => peer.send(pipecatAudioFrame({ audio: toneBytes(0.02, 16000), sampleRate: 0 })), 1007],
    ["sample rate 1", (peer: WebSocket) => peer.send(pipecatAudioFrame({ audio: toneBytes(0.02, 16000), sampleRate: 1 })), 1007],
    ["an odd byte count", (peer: WebSocket) => peer.send(pipecatAudioFrame({ audio: new Uint8Array(3), sampleRate: 16000 })), 1007],
    ["garbage", (peer: WebSocket) => peer.send(Buffer.from([0x0a, 0xff, 0xff, 0xff])), 1007],
    [
      "a sample rate that changes mid-stream",
      (peer: WebSocket) => {
        peer.send(pipecatAudioFrame({ audio: toneBytes(0.02, 16000), sampleRate: 16000 }));
        peer.send(pipecatAudioFrame({ audio: toneBytes(0.02, 24000), sampleRate: 24000 }));
      },
      1007,
    ],
    [
      "a flood at 100x real time",
      (peer: WebSocket) => {
        for (let i = 0; i < 100; i++) peer.send(pipecatAudioFrame({ audio: toneBytes(0.2, 16000), sampleRate: 16000 }));
      },
      1008,
    ],
  ])("closes a connection that sends %s, and the bot goes on", async (_what, send, code) => {
    const h = await harness();
    const peer = await h.connect();
    const ending = closed(peer);
    send(peer);
    expect((await ending).code).toBe(code);
    expect(h.fatal).toEqual([]);
    expect(h.stops).toBe(0);
  });

  it("shares one budget across connections, so reconnecting does not refill it", async () => {
    const h = await harness({ budget: new InboundBudget({ audioSpeed: 2, audioBurstSeconds: 1, messagesPerSecond: 200, messageBurst: 1000 }) });
    const first = await h.connect();
    first.send(pipecatAudioFrame({ audio: toneBytes(0.8, 16000), sampleRate: 16000 }));
    await until(() => h.played.length === 1, "the first frame");
    first.close();
    await until(() => !h.relay.peerConnected, "the first peer to leave");
    const second = await h.connect();
    const ending = closed(second);
    second.send(pipecatAudioFrame({ audio: toneBytes(0.8, 16000), sampleRate: 16000 }));
    expect((await ending).code).toBe(1008);
  });

  it("hands transcriptions and text to its listeners", async () => {
    const h = await harness();
    const lines: unknown[] = [];
    h.relay.onTranscript((line) => lines.push(line));
    const peer = await h.connect();
    peer.send(pipecatTranscriptionFrame("hello there", "alice"));
    peer.send(pipecatTextFrame("hi alice"));
    await until(() => lines.length === 2, "two lines");
    expect(lines).toEqual([
      { role: "heard", text: "hello there", speaker: "alice", final: true },
      { role: "said", text: "hi alice", speaker: null, final: true },
    ]);
  });

  it("reports its own failure as fatal instead of leaving a rejection unowned", async () => {
    const h = await harness({ createResampler: () => Promise.reject(new Error("no converter")) });
    const peer = await h.connect();
    peer.send(pipecatAudioFrame({ audio: toneBytes(0.02, 22050), sampleRate: 22050 }));
    await until(() => h.fatal.length === 1, "the fault");
    expect(h.fatal[0]?.message).toBe("no converter");
  });

  it("reports a listener that throws as its own fault", async () => {
    const h = await harness();
    h.relay.onTranscript(() => {
      throw new Error("listener broke");
    });
    const peer = await h.connect();
    peer.send(pipecatTextFrame("hi"));
    await until(() => h.fatal.length === 1, "the fault");
    expect(h.fatal[0]?.message).toBe("listener broke");
  });

  it("closes its pipeline, refuses new ones and tells its registry once when it stops", async () => {
    const h = await harness();
    const peer = await h.connect();
    await until(() => h.relay.peerConnected, "the peer");
    const ending = closed(peer);
    await h.relay.stop();
    await h.relay.stop();
    expect(await ending).toEqual({ code: 1000, reason: "bot left the meeting" });
    expect(h.stops).toBe(1);
    expect((await closed(await h.connect())).code).toBe(1008);
  });
});
