import { describe, expect, it } from "vitest";
import { STAGE_ERROR_LIMIT, STAGE_ERROR_WINDOW_MS, StageFaultPolicy } from "./fault-policy.js";
import { frame } from "./frames.js";

const error = (source: string, fatal = false) => frame("error", { error: new Error(`${source} broke`), fatal, source });

describe("StageFaultPolicy", () => {
  it("ends the bot at once on a fatal error", () => {
    expect(new StageFaultPolicy(() => 0).judge(error("response", true))).toBe("stage response reported a fatal error: response broke");
  });

  it("ends the bot when one stage errs 5 times within 5 s", () => {
    let now = 0;
    const policy = new StageFaultPolicy(() => now);
    for (let i = 1; i < STAGE_ERROR_LIMIT; i++) {
      expect(policy.judge(error("transcription"))).toBeUndefined();
      now += 100;
    }
    expect(policy.judge(error("transcription"))).toBe("stage transcription failed 5 times within 5 s; last error: transcription broke");
  });

  it("counts each stage apart, and forgets errors older than the window", () => {
    let now = 0;
    const policy = new StageFaultPolicy(() => now);
    for (const source of ["a", "b", "a", "b", "a", "b", "a", "b"]) expect(policy.judge(error(source))).toBeUndefined();
    now += STAGE_ERROR_WINDOW_MS;
    expect(policy.judge(error("a"))).toBeUndefined();
  });

  it("never ends the bot for a speech-to-text session reopened with a doubling backoff", () => {
    let now = 0;
    const policy = new StageFaultPolicy(() => now);
    for (let attempt = 0; attempt < 20; attempt++) {
      expect(policy.judge(error("transcription"))).toBeUndefined();
      now += Math.min(8000, 500 * 2 ** attempt);
    }
  });
});
