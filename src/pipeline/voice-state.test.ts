import { describe, expect, it } from "vitest";
import type { VoiceState } from "../core/bot-contracts.js";
import { frame } from "./frames.js";
import { VoiceStateTracker } from "./voice-state.js";

function tracker() {
  let speaking = false;
  const states: VoiceState[] = [];
  const t = new VoiceStateTracker(() => speaking);
  t.onChange((s) => states.push(s));
  return { t, states, setSpeaking: (v: boolean) => (speaking = v) };
}

describe("VoiceStateTracker", () => {
  it("reports listening → thinking → speaking → listening once each, however many stages see a frame", () => {
    const { t, states, setSpeaking } = tracker();
    t.started();
    for (const stage of ["user-turn", "response"]) t.observe(stage, frame("llm-run", { turnId: 1 }));
    setSpeaking(true);
    for (const stage of ["audio-output", "speech-synthesis", "response"]) t.observe(stage, frame("bot-started-speaking"));
    t.observe("audio-output", frame("llm-response-end", { turnId: 1, aborted: false }));
    setSpeaking(false);
    for (const stage of ["audio-output", "speech-synthesis"]) t.observe(stage, frame("bot-stopped-speaking"));
    expect(states).toEqual(["listening", "thinking", "speaking", "listening"]);
  });

  it("goes back to listening when an answer brings no audio or is interrupted before it speaks", () => {
    const { t, states } = tracker();
    t.started();
    t.observe("user-turn", frame("llm-run", { turnId: 1 }));
    t.observe("speech-synthesis", frame("llm-response-end", { turnId: 1, aborted: false }));
    expect(states.at(-1)).toBe("thinking");
    t.observe("audio-output", frame("llm-response-end", { turnId: 1, aborted: false }));
    expect(states.at(-1)).toBe("listening");
    t.observe("user-turn", frame("llm-run", { turnId: 2 }));
    t.observe("voice-activity", frame("interruption"));
    expect(states).toEqual(["listening", "thinking", "listening", "thinking", "listening"]);
  });

  it("keeps speaking through an interruption until the output stage says it stopped", () => {
    const { t, states, setSpeaking } = tracker();
    t.started();
    setSpeaking(true);
    t.observe("audio-output", frame("bot-started-speaking"));
    t.observe("voice-activity", frame("interruption"));
    expect(t.state).toBe("speaking");
    setSpeaking(false);
    t.observe("audio-output", frame("bot-stopped-speaking"));
    expect(states).toEqual(["listening", "speaking", "listening"]);
  });
});
