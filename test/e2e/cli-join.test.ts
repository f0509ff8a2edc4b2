/**
 * The `join` command driven as a person would: two bots into a built-in room, Enter adds a third,
 * Ctrl+C (SIGINT) makes all three leave and the command exits 0. Also the checks made before launch.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAttendee } from "../../src/meeting/attendee/testing/fake-attendee.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import type { RunningServer } from "../../src/server/start.js";
import { startTestServer, waitFor } from "./helpers.js";

function runCli(args: string[], extraEnv: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; output: () => string; exit: Promise<number | null> } {
  // The test runner sets BASE_URL ("/") for its own use; a user's shell would not.
  const { BASE_URL: _runnerBase, ...env } = process.env;
  const child = spawn(process.execPath, ["bin/speaking-bots.js", ...args], { env: { ...env, LOG_LEVEL: "warn", ...extraEnv } });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe("speaking-bots join", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("launches bots, adds one on Enter, and makes all leave on Ctrl+C", async () => {
    const cli = runCli(["join", "-c", "2", "--meeting-url", `${server.url}/meet/cli-room`, "--personas", "interviewer"]);
    await waitFor(() => (cli.output().match(/launched as/g) ?? []).length === 2, 20_000, "two launches");
    expect(cli.output()).toMatch(/Interviewer: launched as/);
    await waitFor(() => server.bots.list().filter((b) => b.status === "in_call").length === 2, 15_000, "two bots in the call");
    // The status shows who holds the room's floor (the bots of one room share it).
    await waitFor(() => /^floor: (free|Interviewer|another bot)$/m.test(cli.output()), 15_000, "the floor in the status");
    cli.child.stdin.write("\n");
    await waitFor(() => (cli.output().match(/launched as/g) ?? []).length === 3, 20_000, "the third launch");
    await waitFor(() => server.bots.list().filter((b) => b.status === "in_call").length === 3, 15_000, "three bots in the call");
    cli.child.kill("SIGINT");
    expect(await cli.exit).toBe(0);
    expect(cli.output()).toMatch(/All bots left the meeting/);
    expect(server.bots.list().map((b) => b.status)).toEqual(["ended", "ended", "ended"]);
  }, 240_000);

  it("refuses unknown personas, bad URLs and a taken port before launching anything", async () => {
    const unknown = runCli(["join", "--meeting-url", `${server.url}/meet/x`, "--personas", "astronaut"]);
    expect(await unknown.exit).toBe(2);
    expect(unknown.output()).toMatch(/Unknown persona: astronaut\. Valid personas: .*interviewer/);
    const bad = runCli(["join", "--meeting-url", "http://meet.google.com/abc"]);
    expect(await bad.exit).toBe(2);
    expect(bad.output()).toMatch(/must use https/);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const taken = runCli(["join", "--meeting-url", "local:x", "-s", String(port)]);
    expect(await taken.exit).toBe(2);
    expect(taken.output()).toMatch(new RegExp(`Port ${port} on 127.0.0.1 is already taken`));
    blocker.close();
    expect(server.bots.list().filter((b) => b.settings.meetingUrl.endsWith("/meet/x"))).toHaveLength(0);
  }, 180_000);

  it("sends the bots through the provider named with --provider, with that provider's key", async () => {
    const attendee = new FakeAttendee({ script: { connectDelayMs: 20 } });
    const withAttendee = await startTestServer({ ATTENDEE_API_URL: await attendee.start() });
    const cli = runCli(["join", "--server", withAttendee.url, "--provider", "attendee", "--meeting-url", "https://meet.google.com/abc-defg-hij", "--personas", "storyteller"], {
      ATTENDEE_API_KEY: "attendee-key",
    });
    await waitFor(() => /launched as bot_/.test(cli.output()), 20_000, "the launch through Attendee");
    expect(attendee.requests[0]?.authorization).toBe("Token attendee-key");
    await waitFor(() => withAttendee.bots.list()[0]?.status === "in_call", 15_000, "the bot in the call");
    cli.child.kill("SIGINT");
    expect(await cli.exit).toBe(0);
    expect(attendee.leaves()).toHaveLength(1);
    const refused = runCli(["join", "--provider", "recall", "--meeting-url", `${withAttendee.url}/meet/x`]);
    expect(await refused.exit).toBe(2);
    expect(refused.output()).toMatch(/--provider recall joins Google Meet, Zoom and Teams links/);
    await withAttendee.close();
    await attendee.stop();
  }, 180_000);

  it("relaunches a bot that failed, a bounded number of times", async () => {
    const baas = new FakeMeetingBaas({ script: { connectDelayMs: null } });
    const failing = await startTestServer({ MEETING_BAAS_API_URL: await baas.start(), MEETING_BAAS_API_KEY: "test-key", BOT_CONNECT_TIMEOUT_MS: "300" });
    const cli = runCli(["join", "--server", failing.url, "--meeting-url", "https://meet.google.com/abc-defg-hij", "--personas", "storyteller"]);
    await waitFor(() => /giving up/.test(cli.output()), 30_000, "the CLI to give up");
    expect(cli.output()).toMatch(/relaunching, attempt 1 of 3/);
    expect(cli.output()).toMatch(/relaunching, attempt 3 of 3/);
    expect(baas.requests.filter((r) => r.method === "POST")).toHaveLength(4);
    cli.child.kill("SIGINT");
    await cli.exit;
    await failing.close();
    await baas.stop();
  }, 180_000);
});
