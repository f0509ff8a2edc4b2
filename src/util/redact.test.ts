import { describe, expect, it } from "vitest";
import { REDACTED, redactDeep, redactText, redactUrl } from "./redact.js";

describe("redactUrl", () => {
  it("drops user:password from any URL", () => {
    expect(redactUrl("https://alice:s3cret@llm.example.com/v1")).toBe(`https://${REDACTED}@llm.example.com/v1`);
    expect(redactUrl("http://onlyuser@h:8080/x")).toBe(`http://${REDACTED}@h:8080/x`);
    expect(redactUrl("redis://:hunter2@10.0.0.1:6379/0")).toBe(`redis://${REDACTED}@10.0.0.1:6379/0`);
  });

  it("hides credential query values and meeting passcodes, keeping everything else", () => {
    expect(redactUrl("https://us02web.zoom.us/j/8512345678?pwd=AbCdEf123&uname=Ada")).toBe(`https://us02web.zoom.us/j/8512345678?pwd=${REDACTED}&uname=Ada`);
    expect(redactUrl("https://teams.microsoft.com/meet/2561234?p=XyZ123")).toBe(`https://teams.microsoft.com/meet/2561234?p=${REDACTED}`);
    expect(redactUrl("https://x.example/a?api_key=sk-1&token=t0k&access_token=a&secret=s&passcode=9&page=2")).toBe(
      `https://x.example/a?api_key=${REDACTED}&token=${REDACTED}&access_token=${REDACTED}&secret=${REDACTED}&passcode=${REDACTED}&page=2`,
    );
    expect(redactUrl("/meet/lobby?t=abcDEF&name=Ada")).toBe(`/meet/lobby?t=${REDACTED}&name=Ada`);
    expect(redactUrl("/webhook?token=abc")).toBe(`/webhook?token=${REDACTED}`);
    expect(redactUrl("https://h/x?KEY=1#frag")).toBe(`https://h/x?KEY=${REDACTED}#frag`);
    expect(redactUrl("https://h/x?x%2Dapi%2Dkey=1")).toBe(`https://h/x?x%2Dapi%2Dkey=${REDACTED}`);
  });

  it("leaves URLs without secrets untouched", () => {
    for (const url of ["https://meet.google.com/abc-defg-hij", "http://127.0.0.1:7014/meet/lobby", "https://h/x?page=2&sort=asc", "local:lobby"]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it("is idempotent", () => {
    const once = redactUrl("https://a:b@h/x?pwd=1&token=2");
    expect(redactUrl(once)).toBe(once);
  });
});

describe("redactText", () => {
  it("finds URLs inside free text", () => {
    expect(redactText("LLM_BASE_URL=https://me:pw@llm.internal/v1, model gpt")).toBe(`LLM_BASE_URL=https://${REDACTED}@llm.internal/v1, model gpt`);
    expect(redactText('fetch failed for "https://h/j/1?pwd=9" (timeout)')).toBe(`fetch failed for "https://h/j/1?pwd=${REDACTED}" (timeout)`);
  });

  it("leaves e-mail addresses and plain sentences alone", () => {
    expect(redactText("write to ada@example.com")).toBe("write to ada@example.com");
    expect(redactText("a = b")).toBe("a = b");
  });
});

describe("redactDeep", () => {
  it("redacts every string of plain data and keeps the rest", () => {
    const when = new Date(0);
    const input = { url: "https://u:p@h/", nested: { list: ["https://h/?token=1", 3] }, when, ok: "fine" };
    const out = redactDeep(input);
    expect(out).toEqual({ url: `https://${REDACTED}@h/`, nested: { list: [`https://h/?token=${REDACTED}`, 3] }, when, ok: "fine" });
    expect(out.when).toBe(when);
    expect(input.url).toBe("https://u:p@h/");
  });

  it("returns the same object when nothing needed hiding", () => {
    const input = { a: "x", b: [1, "y"] };
    expect(redactDeep(input)).toBe(input);
  });
});

describe("redaction cost", () => {
  it("stays linear on long hostile strings", () => {
    const started = performance.now();
    for (const text of [`${"a-".repeat(50_000)}=`, `${";a".repeat(50_000)}=`, `${"?a".repeat(50_000)}@=`, `${"x://".repeat(20_000)}@`]) redactText(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
