/**
 * `join` on a real terminal (tmux): the live status table is drawn and redrawn in place, and
 * Ctrl+C typed at the keyboard makes the bots leave.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server/start.js";
import { startTestServer, waitFor } from "./helpers.js";

function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const SESSION = "join";
// A private tmux server (its own socket, no user config) that the test starts and stops.
const SOCKET = `speaking-bots-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe.skipIf(!hasTmux())("join on a terminal", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    try {
      tmux("kill-server");
    } catch {
      /* already gone */
    }
    await server.close();
  });

  it("draws a live status table and leaves on Ctrl+C", async () => {
    const command = `env -u BASE_URL LOG_LEVEL=warn ${process.execPath} bin/speaking-bots.js join -c 2 --meeting-url ${server.url}/meet/tty --personas interviewer storyteller; echo EXIT=$?; sleep 20`;
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "30", "-c", process.cwd(), command);
    const screen = () => tmux("capture-pane", "-p", "-t", SESSION);
    await waitFor(() => /Interviewer\s+in call/.test(screen()) && /Storyteller\s+(in call|speaking)/.test(screen()), 30_000, "the table");
    expect(screen()).toMatch(/Enter: add a bot\s+Ctrl\+C: everyone leaves/);
    expect(screen().match(/Enter: add a bot/g)).toHaveLength(1);
    tmux("send-keys", "-t", SESSION, "C-c");
    await waitFor(() => /EXIT=0/.test(screen()), 30_000, "a clean exit");
    expect(screen()).toMatch(/All bots left the meeting/);
  }, 240_000);
});
