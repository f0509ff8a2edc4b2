/**
 * Three sibling bots of one meeting placed in two server processes (two MeetingGroups sharing one
 * real redis-server), each deciding through its real user-turn stage: a greeting to everyone and a
 * question to the room get exactly one answer, the persona that fits the question gives it, and a
 * bot called by name answers while the others stay silent. Bots calling each other by name across
 * the two processes stop at the bot-to-bot cap until a person speaks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveTurnPolicy } from "../../core/turn-policy.js";
import { Conversation } from "../../pipeline/conversation.js";
import { frame } from "../../pipeline/frames.js";
import { UserTurnStage } from "../../pipeline/stages/user-turn.js";
import { StageProbe } from "../../pipeline/testing/run-stage.js";
import { TurnMetrics } from "../../pipeline/turn-metrics.js";
import { TurnContext } from "../../pipeline/turn/turn-context.js";
import { LocalRedis, redisMissing } from "../cluster/testing/local-redis.js";
import type { GroupMembership } from "./group-membership.js";
import type { MeetingGroups } from "./meeting-groups.js";
import { RedisGroupProcesses } from "./testing/redis-group-processes.js";

const BOTS = [
  { id: "bot-sam", name: "Sam", persona: "Product Manager", about: "You keep the discussion anchored on users, outcomes, the roadmap and the release plan." },
  { id: "bot-alex", name: "Alex", persona: "Pair Programmer", about: "You review code, tests, builds and deployments, and explain bugs." },
  { id: "bot-riley", name: "Riley", persona: "Meeting Facilitator", about: "You keep time, the agenda and the action items of the meeting." },
];

interface TurnBot {
  name: string;
  probe: StageProbe;
  membership: GroupMembership;
}

function turnBot(groups: MeetingGroups, bot: (typeof BOTS)[number]): TurnBot {
  const membership = groups.join("tenant", "meet.example.com/standup", { holderId: bot.id, displayName: bot.name, names: [bot.persona] });
  const context = new TurnContext({
    policy: resolveTurnPolicy({ room_questions: "answer" }),
    botName: bot.name,
    personaName: bot.persona,
    holderId: bot.id,
    group: membership,
    personaText: bot.about,
  });
  // The provider lists everyone in the meeting; siblings in the other process are only names there.
  context.roster.update(["Alice", "Bob", ...BOTS.map((b) => b.name)].map((name, i) => ({ name, id: i + 1, isSpeaking: false, timestamp: 0 })), performance.now());
  const probe = new StageProbe(new UserTurnStage(new Conversation(`You are ${bot.name}.`, 20), new TurnMetrics(), context));
  return { name: bot.name, probe, membership };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("siblings in the other process never became known");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(redisMissing())("sibling turns across processes (skipped without redis-server)", () => {
  const server = new LocalRedis();
  let processes: RedisGroupProcesses;
  let bots: TurnBot[] = [];

  /** `speaker` says `text` to the meeting; every other bot hears it through its own stage; returns who speaks. */
  const say = async (text: string, speaker = "Alice"): Promise<string[]> => {
    const hearing = bots.filter((b) => b.name !== speaker);
    const before = hearing.map((b) => b.probe.of("turn-decision").length);
    await Promise.all(
      hearing.map((b) => b.probe.send(frame("user-started-speaking"), frame("user-stopped-speaking"), frame("transcription", { text, speaker, language: "en-US" }))),
    );
    return hearing.flatMap((b, i) => {
      const decisions = b.probe.of("turn-decision").slice(before[i]);
      expect(decisions.length, `${b.name} decided once`).toBe(1);
      return decisions[0]?.speak ? [b.name] : [];
    });
  };

  beforeAll(async () => {
    await server.start();
    processes = new RedisGroupProcesses(server.url);
    const [one, two] = [await processes.process(600), await processes.process(600)];
    const [sam, alex, riley] = BOTS as [(typeof BOTS)[number], (typeof BOTS)[number], (typeof BOTS)[number]];
    bots = [turnBot(one, sam), turnBot(two, alex), turnBot(one, riley)];
    await processes.membersRegistered(3);
    // Each bot learns its siblings in the other process in the background.
    for (const b of bots) await until(() => b.membership.siblings().length === 2);
  }, 30_000);
  afterAll(async () => {
    for (const b of bots) await b.membership.leave();
    await processes.close();
    await server.destroy();
  });

  it("answers a greeting to everyone exactly once", async () => {
    expect((await say("Hi everyone, how is everybody doing today?")).length).toBe(1);
  });

  it("gives a question to the room to the persona that fits it, in whichever process it runs", async () => {
    expect(await say("What do we know about the failing tests and builds?")).toEqual(["Alex"]);
    // Bob asks: Alice's follow-up would stay with the bot that answered her.
    expect(await say("Does anyone know what users said about the roadmap?", "Bob")).toEqual(["Sam"]);
  });

  it("lets the bot called by name answer, and only it", async () => {
    expect(await say("Riley, can you keep time today?")).toEqual(["Riley"]);
    expect(await say("Alex, can you check the deployment logs?")).toEqual(["Alex"]);
    expect(processes.errors).toEqual([]);
  });

  it("caps bot-to-bot replies at two for the meeting, whichever processes the bots run in", async () => {
    // Sam (one) calls Alex (two), who calls Riley (one): two replies, counted in Redis.
    expect(await say("Alex, what do you think about the release plan?", "Sam")).toEqual(["Alex"]);
    expect(await say("Riley, can you note that as an action item?", "Alex")).toEqual(["Riley"]);
    // The third would be a loop: Alex stays silent although called by name.
    expect(await say("Alex, is there anything else on the deployment?", "Riley"), processes.errors.join("; ")).toEqual([]);
    const lastDecision = bots.find((b) => b.name === "Alex")?.probe.of("turn-decision").at(-1);
    expect(lastDecision?.reason).toBe("bot_exchange_limit");
    // A person speaks: bots may call each other again.
    expect(await say("Alex, what about the failing tests?")).toEqual(["Alex"]);
    expect(await say("Alex, and the builds?", "Sam")).toEqual(["Alex"]);
    expect(processes.errors).toEqual([]);
  });
});
