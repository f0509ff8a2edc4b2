import { describe, expect, it } from "vitest";
import { JitterBuffer } from "./jitter-buffer.js";
import { Participant, ROOM_FRAME_SAMPLES, ROSTER_EVERY_TICKS, Room, type ParticipantView } from "./room.js";
import { roomFromMeetingUrl, roomTokenFromMeetingUrl } from "./room-names.js";

function member(room: Room, id: string, kind: "human" | "bot" = "human") {
  const heard: Int16Array[] = [];
  const rosters: ParticipantView[][] = [];
  const p = new Participant(id, id, kind, { audio: (pcm) => heard.push(pcm), roster: (r) => rosters.push(r) });
  room.add(p);
  return { p, heard, rosters };
}

describe("Room mixer", () => {
  it("gives each participant the others' audio, never its own, and clips the sum", () => {
    const room = new Room("r");
    const a = member(room, "a");
    const b = member(room, "b");
    const c = member(room, "c");
    a.p.input.write(new Int16Array(ROOM_FRAME_SAMPLES * 2).fill(20000));
    b.p.input.write(new Int16Array(ROOM_FRAME_SAMPLES * 2).fill(20000));
    room.tick();
    expect(a.heard[0]?.[0]).toBe(20000);
    expect(b.heard[0]?.[0]).toBe(20000);
    expect(c.heard[0]?.[0]).toBe(32767);
    expect(a.heard[0]).toHaveLength(ROOM_FRAME_SAMPLES);
  });

  it("announces who is speaking, with the bot itself left out of its own roster", () => {
    const room = new Room("r");
    const a = member(room, "a");
    const bot = member(room, "bot", "bot");
    a.p.input.write(new Int16Array(ROOM_FRAME_SAMPLES * 2).fill(8000));
    room.tick();
    expect(bot.rosters.at(-1)?.find((v) => v.id === "a")?.speaking).toBe(true);
    expect(room.speakersFor("bot").map((s) => s.name)).toEqual(["a"]);
    member(room, "other bot", "bot");
    expect(room.speakersFor("a").map((s) => [s.name, s.isBot === true])).toEqual([["bot", true], ["other bot", true]]);
  });
});

describe("roster announcements", () => {
  it("cost one message per participant per announcement however many join at once", () => {
    const room = new Room("crowd");
    let sent = 0;
    const sinks = {
      audio: () => undefined,
      roster: () => {
        sent += 1;
      },
    };
    for (let i = 0; i < 200; i++) room.add(new Participant(`p${i}`, `P${i}`, "human", sinks));
    expect(sent).toBe(0);
    room.tick();
    expect(sent).toBe(200);
    for (let i = 200; i < 400; i++) room.add(new Participant(`p${i}`, `P${i}`, "human", sinks));
    for (let tick = 1; tick < ROSTER_EVERY_TICKS; tick++) room.tick();
    expect(sent).toBe(200);
    room.tick();
    expect(sent).toBe(600);
    for (let tick = 0; tick < ROSTER_EVERY_TICKS * 3; tick++) room.tick();
    expect(sent).toBe(600);
  });

  it("encode the roster once and hand the same message to every page", () => {
    const room = new Room("r");
    const messages: string[] = [];
    for (const id of ["a", "b"]) room.add(new Participant(id, id, "human", { audio: () => undefined, roster: (_r, message) => messages.push(message) }));
    room.tick();
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(messages[1]);
    expect(JSON.parse(messages[0] ?? "")).toMatchObject({ type: "participants", participants: [{ id: "a" }, { id: "b" }] });
  });
});

describe("JitterBuffer", () => {
  it("waits for its cushion, fills underruns with silence, and drops the oldest when full", () => {
    const buffer = new JitterBuffer(4, 10);
    buffer.write(Int16Array.from([1, 2]));
    expect(Array.from(buffer.read(2))).toEqual([0, 0]);
    buffer.write(Int16Array.from([3, 4]));
    expect(Array.from(buffer.read(3))).toEqual([1, 2, 3]);
    expect(Array.from(buffer.read(2))).toEqual([4, 0]);
    buffer.write(Int16Array.from({ length: 12 }, (_, i) => i + 1));
    expect(buffer.queuedSamples).toBe(4);
    expect(Array.from(buffer.read(4))).toEqual([9, 10, 11, 12]);
  });
});

describe("room URLs", () => {
  it("recognises built-in room URLs only", () => {
    expect(roomFromMeetingUrl("local:Lobby")).toBe("lobby");
    expect(roomFromMeetingUrl("http://127.0.0.1:7014/meet/team-1")).toBe("team-1");
    expect(roomFromMeetingUrl("https://bots.example.com/meet/x/")).toBe("x");
    expect(roomFromMeetingUrl("https://meet.google.com/abc-defg-hij")).toBeUndefined();
    expect(roomFromMeetingUrl("http://h/meet/../etc")).toBeUndefined();
    expect(roomFromMeetingUrl("https://teams.microsoft.com/meet/25612345678?p=x")).toBeUndefined();
    expect(roomFromMeetingUrl("https://u:p@bots.example.com/meet/x")).toBeUndefined();
    expect(roomTokenFromMeetingUrl("http://127.0.0.1:7014/meet/team-1?t=abc")).toBe("abc");
    expect(roomTokenFromMeetingUrl("local:team-1")).toBeUndefined();
  });
});
