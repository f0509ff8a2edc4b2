/**
 * The built-in room with no cloud account: a person (a WebSocket client speaking the page's
 * protocol, sending real speech) and a bot added through POST /bots; the person hears the bot's
 * entry message and its answer, sees the roster and the transcript.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { rms } from "../../src/audio/pcm.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, localSpeechMissing, openRoom, roomSocketUrl, startTestServer, waitFor } from "./helpers.js";

interface Person {
  socket: WebSocket;
  heard: Int16Array[];
  events: Record<string, unknown>[];
}

async function joinAsPerson(link: string, name: string): Promise<Person> {
  const socket = new WebSocket(roomSocketUrl(link, name));
  const person: Person = { socket, heard: [], events: [] };
  socket.on("message", (data: Buffer, isBinary) => {
    // A copy of exactly this frame: a small Buffer is a view into a shared pool, not offset 0 of its own memory.
    if (isBinary) person.heard.push(new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)));
    else person.events.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  await new Promise((resolve) => socket.on("open", resolve));
  return person;
}

/** Streams PCM like a microphone: 20 ms frames in real time. */
async function speak(person: Person, pcm: Int16Array): Promise<void> {
  for (let i = 0; i < pcm.length; i += 320) {
    person.socket.send(Buffer.from(pcm.slice(i, i + 320).buffer));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function loudness(frames: Int16Array[]): number {
  return frames.length ? Math.max(...frames.map(rms)) : 0;
}

describe("the built-in meeting room", () => {
  let server: RunningServer;
  let llm: FakeOpenAiServer;
  beforeEach(async () => {
    llm = new FakeOpenAiServer({ replies: [{ text: "Welcome! The lobby is a fine place to start." }] });
    server = await startTestServer({ LLM_BASE_URL: await llm.start() });
  });
  afterEach(async () => {
    await server.close();
    await llm.stop();
  });

  it.skipIf(localSpeechMissing())("lets a person talk with a bot without any API key", async () => {
    const link = await openRoom(server, "lobby");
    const ada = await joinAsPerson(link, "Ada");
    const created = await fetch(`${server.url}/bots`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ meeting_url: link, personas: ["onboarding_guide"] }),
    });
    expect(created.status).toBe(201);
    const { bot_id: botId, meeting_link: meetingLink } = (await json(created)) as { bot_id: string; meeting_link: string };
    expect(meetingLink).toBe(link);
    await waitFor(() => ada.events.some((e) => e.type === "participants" && (e.participants as { kind: string }[]).some((p) => p.kind === "bot")), 5000, "bot in roster");
    await waitFor(() => loudness(ada.heard.slice(-50)) > 0.02, 10_000, "the entry message");
    await waitFor(async () => !((await json(await fetch(`${server.url}/bots/${botId}`))).speaking), 15_000, "the entry message to end");

    await speak(ada, await loadSpeech("greeting-espeak"));
    await speak(ada, new Int16Array(16000));
    await waitFor(() => llm.requests.length > 0, 10_000, "the LLM to be asked");
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).toMatch(/^Ada: /);
    const heardBefore = ada.heard.length;
    await waitFor(() => loudness(ada.heard.slice(heardBefore)) > 0.02, 10_000, "the spoken answer");
    await waitFor(() => ada.events.some((e) => e.type === "transcript" && e.role === "said" && /lobby/.test(String(e.text))), 15_000, "the said transcript");
    expect(ada.events.some((e) => e.type === "transcript" && e.role === "heard")).toBe(true);
    // Each line once (the greeting and every answer), an answer with its latency, and the bot's states.
    const said = ada.events.filter((e) => e.type === "transcript" && e.role === "said");
    expect(said.filter((e) => /onboarding guide/.test(String(e.text)))).toHaveLength(1);
    // (Speech split into two turns asks twice; an answer talked over may never be heard, so at most one line each.)
    expect(said.filter((e) => /lobby/.test(String(e.text))).length).toBeLessThanOrEqual(llm.requests.length);
    expect(said.find((e) => /lobby/.test(String(e.text)))?.latencyMs).toBeGreaterThan(0);
    expect(new Set(said.map((e) => e.id)).size).toBe(said.length);
    const states = ada.events.filter((e) => e.type === "bot-state" && e.botId === botId).map((e) => e.state);
    expect(states).toEqual(expect.arrayContaining(["listening", "speaking", "thinking"]));

    const left = await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" });
    expect(left.status).toBe(200);
    await waitFor(() => {
      const rosters = ada.events.filter((e) => e.type === "participants");
      const last = rosters.at(-1)?.participants as { kind: string }[] | undefined;
      return last?.every((p) => p.kind !== "bot");
    }, 5000, "bot to leave the roster");
    ada.socket.close();
  });

  it("ends the call for bots once the last person has left the room", async () => {
    await server.close();
    server = await startTestServer({ LLM_BASE_URL: llm.baseUrl, ROOM_EMPTY_TIMEOUT_MS: "300" });
    const link = await openRoom(server, "short");
    const grace = await joinAsPerson(link, "Grace");
    const created = await fetch(`${server.url}/bots`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ meeting_url: link, entry_message: "Hi." }),
    });
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    await waitFor(async () => (await json(await fetch(`${server.url}/bots/${botId}`))).status === "in_call", 5000, "in_call");
    grace.socket.close();
    const ended = await waitFor(async () => {
      const bot = await json(await fetch(`${server.url}/bots/${botId}`));
      return bot.status === "ended" && bot;
    }, 5000, "the bot to leave the empty room");
    expect(ended.last_error).toBeNull();
  });

  it("rejects bad names and bad frames without disturbing others", async () => {
    const link = await openRoom(server, "room-2");
    const bad = new WebSocket(roomSocketUrl(link, ""));
    expect(await new Promise((resolve) => bad.on("close", (code) => resolve(code)))).toBe(1008);
    const bob = await joinAsPerson(link, "Bob");
    const eve = await joinAsPerson(link, "Eve");
    eve.socket.send(Buffer.alloc(7));
    expect(await new Promise((resolve) => eve.socket.on("close", (code) => resolve(code)))).toBe(1003);
    await speak(bob, new Int16Array(3200).fill(1000));
    expect(bob.socket.readyState).toBe(WebSocket.OPEN);
    expect((await fetch(`${server.url}/meet/..%2Fetc`)).status).toBe(400);
    bob.socket.close();
  });
});
