import { describe, expect, it } from "vitest";
import { HeldSttInput } from "./held-stt-input.js";
import type { SttSession } from "./speech-to-text.js";

function recordingSession(): SttSession & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    write: (audio) => calls.push(`audio:${audio[0]}`),
    finalize: () => calls.push("finalize"),
    close: async () => {},
  };
}

const chunk = (marker: number, samples = 10) => new Int16Array(samples).fill(marker);

describe("input held for a recogniser session", () => {
  it("replays audio and utterance ends in order once a session is attached, then passes through", () => {
    const input = new HeldSttInput(1000);
    input.finalize();
    input.write(chunk(1));
    input.write(chunk(2));
    input.finalize();
    input.write(chunk(3));
    const session = recordingSession();
    input.attach(session);
    input.write(chunk(4));
    input.finalize();
    expect(session.calls).toEqual(["audio:1", "audio:2", "finalize", "audio:3", "audio:4", "finalize"]);
  });

  it("keeps only the newest audio within its bound, and holds again after a detach", () => {
    const input = new HeldSttInput(25);
    for (const marker of [1, 2, 3, 4]) input.write(chunk(marker));
    const first = recordingSession();
    input.attach(first);
    expect(first.calls).toEqual(["audio:3", "audio:4"]);
    expect(input.detach()).toBe(first);
    input.write(chunk(5));
    const second = recordingSession();
    input.attach(second);
    expect(second.calls).toEqual(["audio:5"]);
    expect(first.calls).toHaveLength(2);
  });
});
