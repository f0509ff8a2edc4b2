/**
 * @module meeting/attendee/testing/fake-attendee-bot
 * One emulated Attendee bot in a meeting, behaving as Attendee's bot controller does: it moves
 * through Attendee's states (posting `bot.state_change` webhooks), announces participants and who
 * speaks (`participant_events.*` webhooks), dials the `websocket_settings.audio.url` it was given and
 * streams the mixed meeting audio as `realtime_audio.mixed` JSON with base64 chunks, and plays
 * `realtime_audio.bot_output` the way Attendee does: cut into 100 ms pieces, with any leftover
 * shorter than a piece thrown away when no audio came for 150 ms (`discardedSamples` counts it).
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { errorMessage } from "../../../core/errors.js";
import { ScriptedMeeting } from "../../testing/scripted-meeting.js";
import { WebhookSender } from "../../testing/webhook-sender.js";
import { signAttendeePayload } from "../attendee-signature.js";

export interface FakeAttendeeScript {
  participants: string[];
  /** Delay before joining the call and dialing the audio URL; `null` never joins. */
  connectDelayMs: number | null;
  /** Milliseconds of meeting audio per `realtime_audio.mixed` message (the browser's frame size is about 10–20 ms). */
  chunkMs?: number;
}

export interface FakeAttendeeBotSettings {
  id: string;
  audioUrl: string | undefined;
  sampleRate: number;
  webhooks: { url: string; triggers: string[] }[];
  metadata: Record<string, string> | null;
  /** The project's webhook secret, decoded; deliveries are signed with it. */
  webhookKey: Buffer;
}

export type AttendeeState = "joining" | "joined_recording" | "leaving" | "post_processing" | "ended" | "fatal_error";

const PIECE_MS = 100;
const DISCARD_AFTER_MS = 150;

export class FakeAttendeeBot {
  state: AttendeeState = "joining";
  readonly meeting: ScriptedMeeting;
  readonly webhooks = new WebhookSender();
  /** Messages on the audio socket that broke Attendee's protocol. */
  readonly violations: string[] = [];
  /** Samples of the bot's voice Attendee threw away (a leftover shorter than 100 ms). */
  discardedSamples = 0;
  /** `bot_output` messages received, and when (`performance.now()`). */
  readonly outputArrivals: number[] = [];
  connected = false;
  private socket: WebSocket | undefined;
  private pending = new Int16Array(0);
  private lastOutputAt = 0;
  private readonly pieceSamples: number;
  private readonly participantIds = new Map<string, string>();

  constructor(
    readonly settings: FakeAttendeeBotSettings,
    private readonly script: FakeAttendeeScript,
  ) {
    const chunkSamples = Math.round((settings.sampleRate * (script.chunkMs ?? 20)) / 1000);
    this.pieceSamples = (settings.sampleRate * PIECE_MS) / 1000;
    this.meeting = new ScriptedMeeting({
      sampleRate: settings.sampleRate,
      chunkSamples,
      onChunk: (chunk) => this.sendMixed(chunk),
      onSpeaker: (name, speaking) => this.participantEvent(name, speaking ? "speech_start" : "speech_stop", "participant_events.speech_start_stop"),
    });
    this.changeState("joining", "join_requested");
    if (script.connectDelayMs !== null) setTimeout(() => this.join(), script.connectDelayMs).unref();
  }

  /** A participant says this (PCM at the stream rate). */
  say(pcm: Int16Array, speaker = this.script.participants[0] ?? "Participant"): void {
    this.meeting.say(pcm, speaker);
  }

  heard(): Int16Array {
    return this.meeting.heard();
  }

  /** Leaves as asked through the API: leaving, then post-processing, then ended. */
  leave(): void {
    if (this.state === "ended" || this.state === "leaving" || this.state === "post_processing") return;
    this.changeState("leaving", "leave_requested");
    this.meeting.stop();
    this.socket?.close();
    this.changeState("post_processing", "bot_left_meeting");
    this.changeState("ended", "post_processing_completed");
  }

  /** The meeting ended on its own (host ended it). */
  meetingEnded(): void {
    if (this.state !== "joined_recording") return;
    this.meeting.stop();
    this.socket?.close();
    this.changeState("post_processing", "meeting_ended");
    this.changeState("ended", "post_processing_completed");
  }

  private join(): void {
    if (this.state !== "joining") return;
    this.changeState("joined_recording", "bot_joined_meeting");
    for (const name of this.script.participants) this.participantEvent(name, "join", "participant_events.join_leave");
    if (this.settings.audioUrl) this.dial(this.settings.audioUrl);
  }

  private dial(url: string): void {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket = socket;
    socket.on("open", () => {
      this.connected = true;
      this.meeting.start();
    });
    socket.on("message", (data: Buffer, isBinary) => this.receive(data, isBinary));
    socket.on("error", (error) => this.violations.push(`socket error: ${error.message}`));
    socket.on("close", () => {
      this.connected = false;
    });
  }

  /** Meeting audio; dropped while the socket is not open, as Attendee does. */
  private sendMixed(chunk: Int16Array): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const data = { chunk: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("base64"), sample_rate: this.settings.sampleRate, timestamp_ms: Date.now() };
    this.socket.send(JSON.stringify({ bot_id: this.settings.id, trigger: "realtime_audio.mixed", data }));
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.violations.push("binary frame on the audio socket");
      return;
    }
    let message: { trigger?: unknown; data?: { chunk?: unknown; sample_rate?: unknown } };
    try {
      message = JSON.parse(data.toString("utf8"));
    } catch (error) {
      this.violations.push(`not JSON: ${errorMessage(error)}`);
      return;
    }
    if (message.trigger !== "realtime_audio.bot_output") {
      this.violations.push(`unknown trigger ${String(message.trigger)}`);
      return;
    }
    const chunk = message.data?.chunk;
    if (typeof chunk !== "string" || message.data?.sample_rate !== this.settings.sampleRate) {
      this.violations.push("bot_output without a chunk at the bot's sample rate");
      return;
    }
    const bytes = Buffer.from(chunk, "base64");
    if (bytes.length % 2 !== 0) {
      this.violations.push("bot_output chunk of an odd byte length");
      return;
    }
    this.play(new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
  }

  /** Attendee's output manager: 100 ms pieces; a short leftover is dropped after 150 ms without audio. */
  private play(pcm: Int16Array): void {
    const now = performance.now();
    this.outputArrivals.push(now);
    if (this.pending.length > 0 && now - this.lastOutputAt > DISCARD_AFTER_MS) {
      this.discardedSamples += this.pending.length;
      this.pending = new Int16Array(0);
    }
    this.lastOutputAt = now;
    const joined = new Int16Array(this.pending.length + pcm.length);
    joined.set(this.pending);
    joined.set(pcm, this.pending.length);
    let offset = 0;
    for (; offset + this.pieceSamples <= joined.length; offset += this.pieceSamples) this.meeting.played(joined.slice(offset, offset + this.pieceSamples));
    this.pending = joined.slice(offset);
  }

  private changeState(state: AttendeeState, eventType: string): void {
    const old = this.state;
    this.state = state;
    this.deliver("bot.state_change", { new_state: state, old_state: old, created_at: new Date().toISOString(), event_type: eventType, event_sub_type: null });
  }

  private participantEvent(name: string, eventType: "join" | "leave" | "speech_start" | "speech_stop", trigger: string): void {
    let uuid = this.participantIds.get(name);
    if (!uuid) {
      uuid = randomUUID();
      this.participantIds.set(name, uuid);
    }
    this.deliver(trigger, {
      id: `par_${uuid.slice(0, 16)}`,
      participant_name: name,
      participant_uuid: uuid,
      participant_user_uuid: null,
      participant_is_host: false,
      event_type: eventType,
      event_data: {},
      timestamp_ms: Date.now(),
    });
  }

  private deliver(trigger: string, data: Record<string, unknown>): void {
    for (const hook of this.settings.webhooks.filter((w) => w.triggers.includes(trigger))) {
      const payload = { idempotency_key: randomUUID(), bot_id: this.settings.id, bot_metadata: this.settings.metadata, trigger, data };
      this.webhooks.send(hook.url, trigger, payload, () => ({ "x-webhook-signature": signAttendeePayload(this.settings.webhookKey, payload) }));
    }
  }
}
