import { describe, expect, it } from "vitest";
import { botRequestSchema } from "./bot-request.js";
import { botImageProblem, meetingUrlProblem, websocketUrlProblem } from "./url-checks.js";

describe("URL fields of POST /bots", () => {
  it("websocket_url: ws(s) bases only, parseable, without credentials", () => {
    expect(websocketUrlProblem("wss://bots.example.com")).toBeUndefined();
    expect(websocketUrlProblem("ws://127.0.0.1:7014/prefix")).toBeUndefined();
    for (const bad of ["ws://[", "ws://", "http://h", "wss://u:p@h", "wss://h/?x=1", "wss://h/#f", "wss://h h", "ws://\u0000h"]) {
      expect(websocketUrlProblem(bad), bad).toBeDefined();
    }
  });

  it("bot_image: an http(s) image file, never file:, data: or javascript:", () => {
    expect(botImageProblem("https://cdn.example.com/a/bot.png")).toBeUndefined();
    expect(botImageProblem("https://cdn.example.com/bot.JPEG?v=2")).toBeUndefined();
    for (const bad of ["file:///etc/passwd.png", "javascript:alert(1)//.png", "data:image/png;base64,AAAA", "https://h/page.html", "https://u:p@h/a.png", "ftp://h/a.png"]) {
      expect(botImageProblem(bad), bad).toBeDefined();
    }
  });

  it("meeting_url: a URL with a host, or local:<room>", () => {
    expect(meetingUrlProblem("https://meet.google.com/abc-defg-hij")).toBeUndefined();
    expect(meetingUrlProblem("local:lobby?t=abc")).toBeUndefined();
    for (const bad of ["meet.google.com/abc", "local:../x", "javascript:alert(1)", "https://u:p@h/x", "http://[/x"]) expect(meetingUrlProblem(bad), bad).toBeDefined();
  });

  it("the schema reports each problem under its field name", () => {
    const result = botRequestSchema.safeParse({ meeting_url: "x", websocket_url: "ws://[", bot_image: "file:///a.png", bot_name: "a\nb", personas: ["../etc"] });
    const paths = result.error?.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["meeting_url", "websocket_url", "bot_image", "bot_name", "personas.0"]));
  });
});
