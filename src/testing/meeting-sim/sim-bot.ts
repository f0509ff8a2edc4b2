/**
 * @module testing/meeting-sim/sim-bot
 * One bot of a simulated group meeting: its real turn stages, joined to its meeting group, with a
 * record of what it decided and when its voice started and stopped.
 */
import type { GroupMembership } from "../../bots/group/group-membership.js";
import { resolveTurnPolicy } from "../../core/turn-policy.js";
import { Conversation } from "../../pipeline/conversation.js";
import type { Frame } from "../../pipeline/frames.js";
import { Pipeline } from "../../pipeline/pipeline.js";
import { AudioOutputStage } from "../../pipeline/stages/audio-output.js";
import { TurnContext } from "../../pipeline/turn/turn-context.js";
import { TurnMetrics } from "../../pipeline/turn-metrics.js";
import { GroupLanguageModel } from "./group-llm.js";
import type { SimBot } from "./group-scenarios.js";
import { simTurnStages } from "./sim-turn-stages.js";

const RATE = 16000;

export interface SimDecision {
  at: number;
  speaker: string | null;
  text: string;
  speak: boolean;
  reason: string;
  turnId: number | null;
}

export interface SimReply {
  at: number;
  end: number | null;
  /** The decision it answers; undefined for a greeting. */
  decision: SimDecision | undefined;
}

export interface SimBotRun {
  spec: SimBot;
  pipeline: Pipeline;
  output: AudioOutputStage;
  membership: GroupMembership;
  decisions: SimDecision[];
  replies: SimReply[];
  /** Replies decided and not yet heard or dropped. */
  inFlight: Set<number>;
  /** Who this bot can hear right now (people and the other bots). */
  audible: Set<string>;
  lastSpoken: string;
}

export interface VoiceHooks {
  started(): void;
  stopped(): void;
}

interface RunLog {
  start: number;
  lines: { at: number; text: string }[];
}

/** `isolated`: the bot is not told about its group (a baseline without siblings). */
export async function startSimBot(spec: SimBot, membership: GroupMembership, isolated: boolean, botNames: string[], log: RunLog, voice: VoiceHooks): Promise<SimBotRun> {
  const turns = new TurnContext({
    policy: resolveTurnPolicy({ aliases: spec.aliases, room_questions: "answer" }),
    botName: spec.name,
    personaName: spec.persona,
    holderId: spec.id,
    group: isolated ? undefined : membership,
    personaText: spec.description,
  });
  const conversation = new Conversation(`You are ${spec.name}, ${spec.persona}. ${spec.description}`, 60);
  const metrics = new TurnMetrics();
  const llm = new GroupLanguageModel(botNames);
  const bot: SimBotRun = {
    spec,
    pipeline: undefined as unknown as Pipeline,
    output: new AudioOutputStage(RATE, () => undefined, metrics),
    membership,
    decisions: [],
    replies: [],
    inFlight: new Set(),
    audible: new Set(),
    lastSpoken: "",
  };
  const heardTurns = new Set<number>();
  const observe = (source: string, f: Frame) => {
    const at = performance.now() - log.start;
    if (source === "user-turn" && f.type === "turn-decision") {
      bot.decisions.push({ at, speaker: f.speaker, text: f.text, speak: f.speak, reason: f.reason, turnId: f.turnId });
      log.lines.push({ at, text: `    ${spec.name} → ${f.speak ? "speak" : "silent"} (${f.reason})` });
      if (f.turnId !== null) bot.inFlight.add(f.turnId);
    } else if (source === "audio-output" && f.type === "bot-started-speaking") {
      const turnId = [...bot.inFlight].find((id) => !heardTurns.has(id));
      if (turnId !== undefined) heardTurns.add(turnId);
      bot.replies.push({ at, end: null, decision: bot.decisions.find((d) => d.turnId !== null && d.turnId === turnId) });
      voice.started();
    } else if (source === "audio-output" && f.type === "bot-stopped-speaking") {
      const reply = bot.replies.at(-1);
      if (reply) reply.end = at;
      voice.stopped();
    } else if (source === "audio-output" && f.type === "bot-spoken-text") {
      bot.inFlight.delete(f.turnId);
      bot.lastSpoken = f.text;
      log.lines.push({ at, text: `${spec.name}: ${f.text}` });
    } else if (source === "floor-gate" && f.type === "reply-dropped") {
      bot.inFlight.delete(f.turnId);
      log.lines.push({ at, text: `    (${spec.name}'s reply ${f.turnId} dropped: ${f.reason})` });
    }
  };
  bot.pipeline = new Pipeline(
    [
      ...simTurnStages({ turns, conversation, metrics, llm, outputRate: RATE, voiced: () => bot.audible.size > 0 }),
      bot.output,
    ],
    { observers: [{ onPush: observe }] },
  );
  await bot.pipeline.start(RATE);
  return bot;
}
