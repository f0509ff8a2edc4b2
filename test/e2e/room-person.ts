/**
 * @module test/e2e/room-person
 * A person in a built-in room as the room page is one: a WebSocket on `/meet/<room>/ws` that sends
 * 20 ms frames of 16 kHz PCM like a microphone and keeps what it hears and every JSON event.
 */
import WebSocket from "ws";
import { rms } from "../../src/audio/pcm.js";

export interface Person {
  socket: WebSocket;
  heard: Int16Array[];
  events: Record<string, unknown>[];
}

/** Opens the room socket at `url`; `followRedirects` lets it follow a cluster node's redirect. */
export async function joinAsPerson(url: string, options: { followRedirects?: boolean } = {}): Promise<Person> {
  const socket = new WebSocket(url, { followRedirects: options.followRedirects ?? false });
  const person: Person = { socket, heard: [], events: [] };
  socket.on("message", (data: Buffer, isBinary) => {
    // A copy of exactly this frame: a small Buffer is a view into a shared pool.
    if (isBinary) person.heard.push(new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)));
    else person.events.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return person;
}

/** Streams PCM like a microphone: 20 ms frames in real time. */
export async function speak(person: Person, pcm: Int16Array): Promise<void> {
  for (let i = 0; i < pcm.length; i += 320) {
    person.socket.send(Buffer.from(pcm.slice(i, i + 320).buffer));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function loudness(frames: Int16Array[]): number {
  return frames.length ? Math.max(...frames.map(rms)) : 0;
}

/** The bots in the person's latest roster. */
export function botsInRoster(person: Person): { botId: string }[] {
  const last = person.events.filter((event) => event.type === "participants").at(-1)?.participants as { kind: string; botId: string }[] | undefined;
  return (last ?? []).filter((participant) => participant.kind === "bot");
}
