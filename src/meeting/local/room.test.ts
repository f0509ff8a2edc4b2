import { describe, expect, it } from "vitest";
import { JitterBuffer } from "./jitter-buffer.js";
import { Participant, ROOM_FRAME_SAMPLES, Room, type ParticipantView } from "./room.js";
import { roomFromMeetingUrl } from "./room-names.js";

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
  });
});
