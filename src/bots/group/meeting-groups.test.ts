import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultMeetingGroup, meetingGroupSchema } from "./meeting-group-key.js";
import { MeetingGroups } from "./meeting-groups.js";

const claim = (holder: string, talkMs = 0) => ({ holder, followUp: false, withinBudget: true, relevance: 0, talkMs });

describe("meeting group key", () => {
  it("normalises the links people paste for one meeting to one group", () => {
    const meet = defaultMeetingGroup("https://meet.google.com/abc-defg-hij", "meetingbaas");
    expect(meet).toBe("meet.google.com/abc-defg-hij");
    expect(defaultMeetingGroup("https://MEET.google.com/abc-defg-hij/?authuser=1#x", "meetingbaas")).toBe(meet);
    expect(defaultMeetingGroup("http://meet.google.com/abc-defg-hij", "attendee")).toBe(meet);
    expect(defaultMeetingGroup("https://us02web.zoom.us/j/123456789?pwd=secret", "meetingbaas")).toBe("us02web.zoom.us/j/123456789");
    expect(defaultMeetingGroup("https://www.example.com/room/A/", "recall")).toBe("example.com/room/A");
  });

  it("groups built-in rooms by room, whatever link reached them", () => {
    expect(defaultMeetingGroup("local:Standup", "local")).toBe("local:standup");
    expect(defaultMeetingGroup("http://127.0.0.1:7014/meet/standup?t=token", "local")).toBe("local:standup");
  });

  it("accepts short printable names only", () => {
    expect(meetingGroupSchema.parse("  Weekly sync #3 ")).toBe("Weekly sync #3");
    expect(meetingGroupSchema.safeParse("").success).toBe(false);
    expect(meetingGroupSchema.safeParse("a".repeat(101)).success).toBe(false);
    expect(meetingGroupSchema.safeParse("line\nbreak").success).toBe(false);
    expect(meetingGroupSchema.safeParse("bell\u0007").success).toBe(false);
  });
});

describe("meeting groups", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("makes bots of one group and tenant siblings sharing one floor", async () => {
    const groups = new MeetingGroups();
    const sam = groups.join("t1", "g", { holderId: "c1", displayName: "Sam", names: ["Product Manager", "Sammy"] });
    const alex = groups.join("t1", "g", { holderId: "c2", displayName: "Alex", names: ["Pair Programmer"] });
    const other = groups.join("t2", "g", { holderId: "c3", displayName: "Zoe", names: [] });
    expect(sam.floor).toBe(alex.floor);
    expect(other.floor).not.toBe(sam.floor);
    expect(sam.siblings()).toEqual([{ holderId: "c2", displayName: "Alex" }]);
    expect(alex.siblingNames()).toEqual(["Sam", "Product Manager", "Sammy"]);
    expect(alex.siblingNamed("sammy")).toBe("Sam");
    expect(alex.siblingNamed("Sam (bot)")).toBe("Sam");
    expect(alex.siblingNamed("Alex")).toBeNull();
    expect(sam.siblingNamed("Zoe")).toBeNull();
    expect(await sam.floor.tryAcquire("c1")).toBe(true);
    expect(await alex.floor.tryAcquire("c2")).toBe(false);
    expect(groups.list("t1").map((g) => [g.meetingGroup, g.members.map((m) => m.displayName)])).toEqual([["g", ["Sam", "Alex"]]]);
    expect(groups.list().length).toBe(2);
  });

  it("knows which sibling was speaking during a span", () => {
    const groups = new MeetingGroups();
    const sam = groups.join(undefined, "g", { holderId: "c1", displayName: "Sam", names: [] });
    const alex = groups.join(undefined, "g", { holderId: "c2", displayName: "Alex", names: [] });
    sam.speaking(true, 1000);
    sam.speaking(false, 4000);
    expect(alex.siblingSpeaking(1500, 3500)).toEqual({ name: "Sam", overlapMs: 2000 });
    expect(alex.siblingSpeaking(5000, 6000)).toBeNull();
    expect(sam.siblingSpeaking(1500, 3500)).toBeNull();
    alex.speaking(true, 7000);
    expect(sam.siblingSpeaking(7500, 8000)).toEqual({ name: "Alex", overlapMs: 500 });
    expect(groups.list()[0]?.members.map((m) => m.speaking)).toEqual([false, true]);
  });

  it("lets one claimant answer, waits for the others, and settles when a bot leaves", async () => {
    const groups = new MeetingGroups({ claimWindowMs: 600 });
    const a = groups.join(undefined, "g", { holderId: "a", displayName: "A", names: [] });
    const b = groups.join(undefined, "g", { holderId: "b", displayName: "B", names: [] });
    const c = groups.join(undefined, "g", { holderId: "c", displayName: "C", names: [] });
    const first = [a.settle(claim("a", 5000)), b.settle(claim("b", 10))];
    c.pass();
    expect(await Promise.all(first)).toEqual([false, true]);
    const second = a.settle(claim("a"));
    await c.leave();
    await b.leave();
    expect(await second).toBe(true);
    await c.leave();
    await a.leave();
    expect(groups.list()).toEqual([]);
  });

  it("gives back the floor of a bot that leaves while holding it, so its siblings can speak", async () => {
    const groups = new MeetingGroups();
    const sam = groups.join("t1", "g", { holderId: "c1", displayName: "Sam", names: [] });
    const alex = groups.join("t1", "g", { holderId: "c2", displayName: "Alex", names: [] });
    expect(await sam.floor.tryAcquire("c1")).toBe(true);
    expect(await alex.floor.tryAcquire("c2")).toBe(false);
    // Sam failed mid-reply: its pipeline never released the floor.
    await sam.leave();
    expect(await alex.floor.holder()).toBeNull();
    expect(await alex.floor.tryAcquire("c2")).toBe(true);
    await sam.leave();
    expect(await alex.floor.holder()).toBe("c2");
  });

  it("caps bot-to-bot replies until a person speaks", () => {
    const groups = new MeetingGroups();
    const a = groups.join(undefined, "g", { holderId: "a", displayName: "A", names: [] });
    const b = groups.join(undefined, "g", { holderId: "b", displayName: "B", names: [] });
    expect(a.takeBotExchange(2)).toBe(true);
    expect(b.takeBotExchange(2)).toBe(true);
    expect(a.takeBotExchange(2)).toBe(false);
    b.humanTurn();
    expect(a.takeBotExchange(2)).toBe(true);
    expect(a.takeBotExchange(0)).toBe(false);
  });
});
