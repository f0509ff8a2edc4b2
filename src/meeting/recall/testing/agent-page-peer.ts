/**
 * @module meeting/recall/testing/agent-page-peer
 * Our Output Media page as a Node peer, for tests that do not start a browser: it loads the page
 * (which must answer 200 with HTML), then speaks the page's WebSocket protocol exactly as
 * web/recall-agent.js does — waits for the welcome, sends the meeting audio (its "microphone") as
 * binary 16 kHz PCM, and receives the bot's voice as binary PCM.
 */
import WebSocket from "ws";

export interface AgentPage {
  /** The meeting's audio arriving at the page's microphone. */
  microphone(pcm: Int16Array): void;
  close(): void;
}

export interface AgentPageEvents {
  voice(pcm: Int16Array): void;
  closed(code: number, reason: string): void;
}

export class AgentPagePeer implements AgentPage {
  welcome: { botName: string; sampleRate: number } | undefined;
  readonly violations: string[] = [];

  private constructor(
    private readonly socket: WebSocket,
    events: AgentPageEvents,
  ) {
    socket.on("message", (data: Buffer, isBinary) => {
      if (!isBinary) {
        try {
          this.welcome = JSON.parse(data.toString("utf8"));
        } catch {
          this.violations.push("a text message that is not JSON");
        }
        return;
      }
      if (data.length % 2 !== 0) {
        this.violations.push(`odd-length voice frame of ${data.length} bytes`);
        return;
      }
      const copy = Buffer.from(data);
      events.voice(new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2));
    });
    socket.on("close", (code, reason) => events.closed(code, reason.toString()));
    socket.on("error", (error) => this.violations.push(`socket error: ${error.message}`));
  }

  /** Loads the page at `pageUrl` as a browser would, then opens its socket. */
  static async open(pageUrl: string, events: AgentPageEvents): Promise<AgentPagePeer> {
    const response = await fetch(pageUrl);
    const html = await response.text();
    if (response.status !== 200 || !html.includes("/web/recall-agent.js")) throw new Error(`the Output Media page ${pageUrl} answered ${response.status}`);
    const socket = new WebSocket(`${pageUrl.replace(/^http/, "ws")}/ws`, { perMessageDeflate: false });
    const peer = new AgentPagePeer(socket, events);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return peer;
  }

  microphone(pcm: Int16Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), { binary: true });
  }

  close(): void {
    this.socket.close();
  }
}
