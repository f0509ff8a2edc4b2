/**
 * @module pipeline/turn/llm-floor-check
 * The optional second opinion (`llm_check`): when the rules cannot tell whether an unaddressed
 * question in a group is for the bot, the configured LLM is asked a one-word yes/no with the last
 * few speaker-tagged turns. It costs one short completion per such turn; anything but a clear
 * "yes" within the deadline means silence.
 */
import type { ChatMessage, LanguageModel } from "../../services/llm/language-model.js";
import type { Conversation } from "../conversation.js";
import type { FloorClassifier } from "../stages/user-turn.js";

const CONTEXT_TURNS = 8;
export const FLOOR_CHECK_INSTRUCTION = "You decide whether an AI participant in a live meeting should speak now.";

export function floorCheckMessages(botName: string, role: string, lines: string[]): ChatMessage[] {
  return [
    {
      role: "system",
      content: `${FLOOR_CHECK_INSTRUCTION} The participant is ${botName} (${role}). It should speak only when the last turn is meant for it or plainly invites it; side talk between others is not. Answer with one word: yes or no.`,
    },
    { role: "user", content: `${lines.join("\n")}\n\nShould ${botName} speak now?` },
  ];
}

export function createLlmFloorClassifier(llm: LanguageModel, conversation: Conversation, botName: string, role: string): FloorClassifier {
  return async (_utterance, signal) => {
    const messages = floorCheckMessages(botName, role, conversation.recentLines(CONTEXT_TURNS, botName));
    let answer = "";
    for await (const event of llm.stream({ messages, tools: [], signal })) {
      if (event.type === "text") answer += event.text;
      if (answer.length > 8) break;
    }
    return /^\W*yes\b/i.test(answer);
  };
}
