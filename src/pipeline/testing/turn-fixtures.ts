/**
 * @module pipeline/testing/turn-fixtures
 * What the turn-taking stage tests share: a meeting roster, a turn context with the default policy
 * (any rule overridden), and a final transcription frame.
 */
import { DEFAULT_TURN_POLICY, type TurnPolicy } from "../../core/turn-policy.js";
import { type Speaker, frame } from "../frames.js";
import { TurnContext } from "../turn/turn-context.js";

/** Everyone in `names`, with `speaking` flagged as talking. */
export const roster = (speaking: string | null, names = ["Alice", "Bob"]): Speaker[] =>
  names.map((name, i) => ({ name, id: i + 1, isSpeaking: name === speaking, timestamp: 0 }));

/** The turn context of a bot named Sam (persona "Interviewer"). */
export function context(policy: Partial<TurnPolicy> = {}): TurnContext {
  return new TurnContext({ policy: { ...DEFAULT_TURN_POLICY, ...policy }, botName: "Sam", personaName: "Interviewer", holderId: "bot-1" });
}

export const said = (text: string, speaker: string | null = null) => frame("transcription", { text, speaker, language: "en-US" });
