import { describe, expect, it } from "vitest";
import { type Direction, type Frame, frame } from "./frames.js";
import { transcriptLineOf } from "./transcript-lines.js";

/** The stages a frame passes, in the order it passes them, as the pipeline's observer sees it. */
const DOWN = ["pipeline-head", "audio-input", "voice-activity", "transcription", "user-turn", "response", "speech-synthesis", "audio-output"];
const UP = ["audio-output", "speech-synthesis", "response", "user-turn", "transcription", "voice-activity", "audio-input"];

function linesFor(f: Frame, from: string, direction: Direction, latency = (_turnId: number): number | undefined => undefined) {
  const path = direction === "downstream" ? DOWN : UP;
  return path.slice(path.indexOf(from)).flatMap((stage) => transcriptLineOf(stage, f, direction, latency) ?? []);
}

describe("transcript lines", () => {
  it("take what was heard once, where it leaves the recogniser", () => {
    const interim = frame("interim-transcription", { text: "what time", speaker: "Ada", language: "en-US" });
    const final = frame("transcription", { text: "what time is it", speaker: "Ada", language: "en-US" });
    expect(linesFor(interim, "transcription", "downstream")).toEqual([{ role: "heard", text: "what time", speaker: "Ada", final: false }]);
    expect(linesFor(final, "transcription", "downstream")).toEqual([{ role: "heard", text: "what time is it", speaker: "Ada", final: true }]);
  });

  it("take what was said once, where it leaves the output stage, with the reply's latency", () => {
    const said = frame("bot-spoken-text", { text: "It is noon.", turnId: 3, complete: true });
    expect(linesFor(said, "audio-output", "upstream", (turnId) => (turnId === 3 ? 812 : undefined))).toEqual([
      { role: "said", text: "It is noon.", speaker: null, final: true, latencyMs: 812 },
    ]);
  });

  it("mark a reply cut short as interrupted, and still final", () => {
    const cut = frame("bot-spoken-text", { text: "It is…", turnId: 0, complete: false });
    expect(linesFor(cut, "audio-output", "upstream")).toEqual([{ role: "said", text: "It is…", speaker: null, final: true, interrupted: true }]);
    expect(linesFor(frame("bot-spoken-text", { text: "", turnId: 0, complete: false }), "audio-output", "upstream")).toEqual([]);
  });
});
