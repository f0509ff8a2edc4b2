/**
 * @module bench/room-group
 * Three bots of one server and one person in a built-in room, on the embedded engines (Silero VAD,
 * PocketSphinx, flite) and a loopback LLM: the person says three things to the room, then stays
 * silent for a minute. Counts the bots' turns after each line and in the silent minute (the floor
 * and the no-loop rules must bring it to 0), and the time two bots spoke at once.
 */
import WebSocket from "ws";
import { FakeOpenAiServer } from "../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech, type SpeechFixture } from "../test/fixtures/load-fixture.js";
import { benchServer, sleep } from "./harness.js";

export interface RoomGroupReport {
  bots: number;
  people: number;
  /** Bot turns begun after each of the person's lines, before the next. */
  turnsPerLine: { line: SpeechFixture; turns: number; by: string[] }[];
  /** Bot turns before the person first spoke (entry messages). */
  turnsOnJoin: number;
  silentSeconds: number;
  /** Bot turns begun while nobody but bots had spoken for the whole window. */
  turnsWhileSilent: number;
  /** Milliseconds in which two or more bots were speaking at once. */
  overlapMs: number;
}

const PERSONAS = ["interviewer", "storyteller", "pair_programmer"];
const LINES: SpeechFixture[] = ["greeting-espeak", "weather-question", "time-question"];

interface RoomEvent {
  type: string;
  role?: string;
  final?: boolean;
  botName?: string;
  botId?: string;
  state?: string;
  text?: string;
}

/** Streams PCM like a microphone: 20 ms frames in real time. */
async function speak(socket: WebSocket, pcm: Int16Array): Promise<void> {
  for (let i = 0; i < pcm.length; i += 320) {
    socket.send(Buffer.from(pcm.slice(i, i + 320).buffer));
    await sleep(20);
  }
}

export async function measureRoomGroup(quick: boolean): Promise<RoomGroupReport> {
  const llm = new FakeOpenAiServer({ reply: () => ({ text: "Good point. I would start with what the team needs most this week." }) });
  const server = await benchServer({ LLM_BASE_URL: await llm.start(), LLM_MODEL: "scripted" });
  const silentSeconds = quick ? 5 : 60;
  try {
    const opened = await fetch(`${server.url}/meet/rooms`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ room: "group-bench" }) });
    const link = ((await opened.json()) as { link: string }).link;
    const url = new URL(link);
    const socket = new WebSocket(`${url.origin.replace(/^http/, "ws")}${url.pathname}/ws?name=Ada&t=${encodeURIComponent(url.searchParams.get("t") ?? "")}`);
    const said: { at: number; by: string }[] = [];
    const speaking = new Set<string>();
    let overlapMs = 0;
    let lastStateAt = performance.now();
    socket.on("message", (data: Buffer, isBinary) => {
      if (isBinary) return;
      const event = JSON.parse(data.toString()) as RoomEvent;
      if (event.type === "transcript" && event.role === "said" && event.final !== false) said.push({ at: performance.now(), by: `${event.botName ?? "?"}: “${String(event.text ?? "").slice(0, 50)}”` });
      if (event.type === "bot-state" && event.botId) {
        const now = performance.now();
        if (speaking.size >= 2) overlapMs += now - lastStateAt;
        lastStateAt = now;
        if (event.state === "speaking") speaking.add(event.botId);
        else speaking.delete(event.botId);
      }
    });
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    for (const persona of PERSONAS) {
      const created = await fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ meeting_url: link, personas: [persona], entry_message: "" }) });
      if (created.status !== 201) throw new Error(`bot ${persona} was refused: ${created.status} ${await created.text()}`);
    }
    const inCall = () => server.bots.list().filter((bot) => bot.status === "in_call").length;
    for (let waited = 0; inCall() < PERSONAS.length && waited < 30_000; waited += 100) await sleep(100);
    await sleep(quick ? 3000 : 10_000);
    const turnsOnJoin = said.length;
    const turnsPerLine: RoomGroupReport["turnsPerLine"] = [];
    for (const line of quick ? LINES.slice(0, 1) : LINES) {
      const from = said.length;
      await speak(socket, await loadSpeech(line));
      // Long enough for the answer and for any bot that would answer a sibling.
      await sleep(12_000);
      const turns = said.slice(from);
      turnsPerLine.push({ line, turns: turns.length, by: turns.map((t) => t.by) });
    }
    const silentFrom = said.length;
    await sleep(silentSeconds * 1000);
    const report = { bots: PERSONAS.length, people: 1, turnsOnJoin, turnsPerLine, silentSeconds, turnsWhileSilent: said.length - silentFrom, overlapMs: Math.round(overlapMs) };
    socket.close();
    return report;
  } finally {
    await server.close();
    await llm.stop();
  }
}

export function describeRoomGroup(report: RoomGroupReport): string[] {
  return [
    `   on joining: ${report.turnsOnJoin} bot turn(s)`,
    ...report.turnsPerLine.map((l) => `   after "${l.line}": ${l.turns} bot turn(s)${l.by.length ? `: ${l.by.join("; ")}` : ""}`),
    `   ${report.silentSeconds} s with only bots in the room: ${report.turnsWhileSilent} bot turn(s); two bots speaking at once: ${report.overlapMs} ms`,
  ];
}
