/**
 * @module meeting/recall/testing/fake-recall-bot
 * One emulated Recall.ai bot in a meeting: it moves through Recall's statuses (Svix-signed
 * `bot.<code>` webhooks to the account's endpoint, when one is set), dials each real-time WebSocket
 * endpoint it was given and sends the events it subscribed to — the meeting's mixed audio as
 * `audio_mixed_raw.data` (base64 S16LE, 16 kHz) and `participant_events.*` — and opens its Output
 * Media page in a "browser": the page's microphone gets the meeting's audio and whatever the page
 * plays is what the meeting hears from the bot.
 */
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { signDelivery } from "../../../util/webhook-signature.js";
import { errorMessage } from "../../../core/errors.js";
import { ScriptedMeeting } from "../../testing/scripted-meeting.js";
import { WebhookSender } from "../../testing/webhook-sender.js";
import type { AgentPage, AgentPageEvents } from "./agent-page-peer.js";

export interface FakeRecallScript {
  participants: string[];
  /** Delay before the bot is in the call; `null` never joins. */
  connectDelayMs: number | null;
  /** Milliseconds of meeting audio per `audio_mixed_raw.data` message. */
  chunkMs?: number;
}

/** Runs an Output Media page: a Node peer speaking the page's protocol, or a real browser. */
export type OutputMediaBrowser = (pageUrl: string, events: AgentPageEvents) => Promise<AgentPage>;

export interface RealtimeEndpoint {
  type: string;
  url: string;
  events: string[];
}

export interface FakeRecallBotSettings {
  id: string;
  endpoints: RealtimeEndpoint[];
  pageUrl: string | undefined;
  metadata: Record<string, string>;
  /** The account's status webhook endpoint and its Svix secret's key bytes. */
  statusWebhook: { url: string; key: Buffer } | undefined;
  browser: OutputMediaBrowser;
}

export type RecallStatus = "ready" | "joining_call" | "in_call_not_recording" | "in_call_recording" | "call_ended" | "done" | "fatal";

const SAMPLE_RATE = 16000;

export class FakeRecallBot {
  status: RecallStatus = "ready";
  readonly meeting: ScriptedMeeting;
  readonly webhooks = new WebhookSender();
  readonly violations: string[] = [];
  /** Opened real-time endpoint sockets. */
  endpointsOpen = 0;
  page: AgentPage | undefined;
  private readonly sockets = new Map<RealtimeEndpoint, WebSocket>();
  private readonly participantIds = new Map<string, number>();
  private readonly startedAt = Date.now();

  constructor(
    readonly settings: FakeRecallBotSettings,
    private readonly script: FakeRecallScript,
  ) {
    this.meeting = new ScriptedMeeting({
      sampleRate: SAMPLE_RATE,
      chunkSamples: Math.round((SAMPLE_RATE * (script.chunkMs ?? 20)) / 1000),
      onChunk: (chunk) => this.meetingAudio(chunk),
      onSpeaker: (name, speaking) => this.participantEvent(speaking ? "participant_events.speech_on" : "participant_events.speech_off", name),
    });
    this.changeStatus("joining_call");
    if (script.connectDelayMs !== null) setTimeout(() => this.join(), script.connectDelayMs).unref();
  }

  say(pcm: Int16Array, speaker = this.script.participants[0] ?? "Participant"): void {
    this.meeting.say(pcm, speaker);
  }

  heard(): Int16Array {
    return this.meeting.heard();
  }

  get inCall(): boolean {
    return this.status === "in_call_recording" || this.status === "in_call_not_recording";
  }

  /** Leaves as asked through the API (or because the meeting ended). */
  leave(subCode: string | null = "bot_received_leave_call"): void {
    if (!this.inCall && this.status !== "joining_call") return;
    this.meeting.stop();
    for (const socket of this.sockets.values()) socket.close();
    this.page?.close();
    this.changeStatus("call_ended", subCode);
    this.changeStatus("done");
  }

  private join(): void {
    if (this.status !== "joining_call") return;
    this.changeStatus("in_call_not_recording");
    this.changeStatus("in_call_recording");
    for (const endpoint of this.settings.endpoints.filter((e) => e.type === "websocket")) this.dial(endpoint);
    this.meeting.start();
    if (this.settings.pageUrl) this.openPage(this.settings.pageUrl);
  }

  private openPage(url: string): void {
    this.settings
      .browser(url, {
        voice: (pcm) => this.meeting.played(pcm),
        closed: (code, reason) => {
          if (this.inCall && code !== 1000) this.violations.push(`the Output Media page's socket closed: ${code} ${reason}`);
        },
      })
      .then(
        (page) => {
          this.page = page;
          if (!this.inCall) page.close();
        },
        (error: unknown) => this.violations.push(`the Output Media page did not load: ${errorMessage(error)}`),
      );
  }

  private dial(endpoint: RealtimeEndpoint): void {
    const socket = new WebSocket(endpoint.url, { perMessageDeflate: false });
    this.sockets.set(endpoint, socket);
    socket.on("open", () => {
      this.endpointsOpen += 1;
      for (const name of this.script.participants) this.participantEvent("participant_events.join", name);
    });
    socket.on("message", () => this.violations.push("our server sent a message on a real-time endpoint, which only receives"));
    socket.on("error", (error) => this.violations.push(`endpoint socket error: ${error.message}`));
  }

  private meetingAudio(chunk: Int16Array): void {
    this.page?.microphone(chunk);
    this.sendEvent("audio_mixed_raw.data", {
      buffer: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("base64"),
      timestamp: this.timestamp(),
    });
  }

  private participantEvent(event: string, name: string): void {
    let id = this.participantIds.get(name);
    if (id === undefined) {
      id = 100 + this.participantIds.size;
      this.participantIds.set(name, id);
    }
    this.sendEvent(event, { participant: { id, name, is_host: id === 100, platform: "desktop", extra_data: {} }, timestamp: this.timestamp(), data: null });
  }

  private timestamp(): { absolute: string; relative: number } {
    return { absolute: new Date().toISOString(), relative: (Date.now() - this.startedAt) / 1000 };
  }

  /** Sends an event to every open endpoint subscribed to it. */
  private sendEvent(event: string, data: Record<string, unknown>): void {
    const resource = event.startsWith("audio_mixed_raw") ? { audio_mixed: { id: `am_${this.settings.id}`, metadata: {} } } : { participant_events: { id: `pe_${this.settings.id}`, metadata: {} } };
    this.settings.endpoints.forEach((endpoint, index) => {
      const socket = this.sockets.get(endpoint);
      if (!endpoint.events.includes(event) || socket?.readyState !== WebSocket.OPEN) return;
      socket.send(
        JSON.stringify({
          event,
          data: {
            data,
            realtime_endpoint: { id: `re_${index}`, metadata: {} },
            recording: { id: `rec_${this.settings.id}`, metadata: {} },
            bot: { id: this.settings.id, metadata: this.settings.metadata },
            ...resource,
          },
        }),
      );
    });
  }

  private changeStatus(code: RecallStatus, subCode: string | null = null): void {
    this.status = code;
    const hook = this.settings.statusWebhook;
    if (!hook) return;
    const body = { event: `bot.${code}`, data: { data: { code, sub_code: subCode, updated_at: new Date().toISOString() }, bot: { id: this.settings.id, metadata: this.settings.metadata } } };
    const id = `msg_${randomBytes(12).toString("hex")}`;
    this.webhooks.send(hook.url, `bot.${code}`, body, (text) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      return { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": signDelivery(hook.key, id, timestamp, text) };
    });
  }
}
