/**
 * @module pipeline/transcript-lines
 * Which frames become transcript lines. The pipeline's observer sees a frame at every stage it
 * passes, so each kind of line is taken at the one place it comes from: what the bot heard as it
 * leaves the recogniser going down, what it said as it leaves the output stage going up. Anywhere
 * else the same frame is only passing through, and taking it there too would show it twice.
 */
import type { TranscriptLine } from "../core/bot-contracts.js";
import type { Direction, Frame } from "./frames.js";

export const HEARD_AT = "transcription";
export const SAID_AT = "audio-output";

/**
 * The line a frame pushed by stage `source` stands for, if any. `replyLatency` gives, for a turn, the
 * milliseconds from the end of the speech it answers to its first audio (none for a greeting).
 */
export function transcriptLineOf(source: string, f: Frame, direction: Direction, replyLatency: (turnId: number) => number | undefined): TranscriptLine | undefined {
  if (source === HEARD_AT && direction === "downstream") {
    if (f.type === "transcription") return { role: "heard", text: f.text, speaker: f.speaker, final: true };
    if (f.type === "interim-transcription") return { role: "heard", text: f.text, speaker: f.speaker, final: false };
    return undefined;
  }
  if (source === SAID_AT && direction === "upstream" && f.type === "bot-spoken-text" && f.text) {
    // Each reply is reported once, when it ended or was cut off: the line is final either way.
    const line: TranscriptLine = { role: "said", text: f.text, speaker: null, final: true };
    if (!f.complete) line.interrupted = true;
    const latencyMs = replyLatency(f.turnId);
    if (latencyMs !== undefined) line.latencyMs = latencyMs;
    return line;
  }
  return undefined;
}
