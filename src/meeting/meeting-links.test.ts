import { describe, expect, it } from "vitest";
import { isMeetingPlatformHost, meetingPlatform, platformLinkProblem } from "./meeting-links.js";

const platform = (url: string) => meetingPlatform(new URL(url));

describe("meeting link shapes", () => {
  it("recognises the links each platform hands out", () => {
    expect(platform("https://meet.google.com/abc-defg-hij")).toBe("Google Meet");
    expect(platform("https://meet.google.com/abc-defg-hij?authuser=1")).toBe("Google Meet");
    expect(platform("https://us02web.zoom.us/j/85123456789?pwd=abc")).toBe("Zoom");
    expect(platform("https://zoom.us/j/8512345678")).toBe("Zoom");
    expect(platform("https://acme.zoom.us/wc/join/85123456789")).toBe("Zoom");
    expect(platform("https://acme.zoom.us/wc/85123456789/join")).toBe("Zoom");
    expect(platform("https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d")).toBe("Microsoft Teams");
    expect(platform("https://teams.microsoft.com/meet/25612345678?p=AbCdEf")).toBe("Microsoft Teams");
    expect(platform("https://teams.live.com/meet/9876543210")).toBe("Microsoft Teams");
  });

  it("refuses look-alikes, other shapes and plain http", () => {
    for (const url of [
      "http://meet.google.com/abc-defg-hij",
      "https://meet.google.com/abc",
      "https://meet.google.com.evil.example/abc-defg-hij",
      "https://evilzoom.us.example.com/j/85123456789",
      "https://zoom.us/j/1",
      "https://teams.microsoft.com/",
      "https://user:pw@meet.google.com/abc-defg-hij",
      "https://bots.example.com/meet/lobby",
    ]) {
      expect(platform(url), url).toBeUndefined();
    }
  });

  it("says what a valid link looks like for a platform host with a wrong shape", () => {
    expect(platformLinkProblem(new URL("https://meet.google.com/x"))).toMatch(/not a Google Meet meeting link.*abc-defg-hij/);
    expect(platformLinkProblem(new URL("http://zoom.us/j/85123456789"))).toMatch(/Zoom links must use https/);
    expect(platformLinkProblem(new URL("https://example.com/meet/x"))).toBeUndefined();
    expect(isMeetingPlatformHost(new URL("https://teams.microsoft.com/meet/x"))).toBe(true);
  });
});
