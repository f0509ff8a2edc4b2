import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { attendeeSecretKey, attendeeSignatureMatches, canonicalJson, signAttendeePayload } from "./attendee-signature.js";
import { attendeeStreamAdapter } from "./attendee-stream.js";
import { AttendeeVoice, FINISH_AFTER_MS } from "./attendee-voice.js";
import { AttendeeWebhook } from "./attendee-webhook.js";

const RATE = 16000;
const frame20ms = (value: number) => new Int16Array(RATE / 50).fill(value);

function mixed(pcm: Int16Array, sampleRate = RATE): Buffer {
  const chunk = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString("base64");
  return Buffer.from(JSON.stringify({ bot_id: "bot_1", trigger: "realtime_audio.mixed", data: { chunk, sample_rate: sampleRate, timestamp_ms: 1 } }));
}

function outputPieces(sent: (Buffer | string)[]): Int16Array[] {
  return sent.map((message) => {
    const parsed = JSON.parse(String(message)) as { trigger: string; data: { chunk: string; sample_rate: number } };
    expect(parsed.trigger).toBe("realtime_audio.bot_output");
    expect(parsed.data.sample_rate).toBe(RATE);
    const bytes = Buffer.from(parsed.data.chunk, "base64");
    return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  });
}

describe("Attendee's audio stream", () => {
  it("decodes realtime_audio.mixed chunks into PCM", () => {
    const pcm = new Int16Array([1, -2, 300, -32768]);
    const input = attendeeStreamAdapter.decode(mixed(pcm), false, RATE);
    expect(input.kind).toBe("audio");
    expect(input.kind === "audio" && [...input.pcm]).toEqual([1, -2, 300, -32768]);
  });

  it("refuses what Attendee never sends, with a close code that says why", () => {
    const code = (data: Buffer, binary = false) => {
      const input = attendeeStreamAdapter.decode(data, binary, RATE);
      return input.kind === "invalid" ? input.violation.code : input.kind;
    };
    expect(code(Buffer.alloc(320), true)).toBe(1003);
    expect(code(Buffer.from("{nope"))).toBe(1007);
    expect(code(Buffer.from(JSON.stringify({ data: {} })))).toBe(1007);
    expect(code(mixed(new Int16Array(160), 24000))).toBe(1007);
    expect(code(Buffer.from(JSON.stringify({ trigger: "realtime_audio.mixed", data: { chunk: "!!!!", sample_rate: RATE } })))).toBe(1007);
    expect(code(Buffer.from(JSON.stringify({ trigger: "realtime_audio.mixed", data: { chunk: "AA==", sample_rate: RATE } })))).toBe(1007);
    expect(code(Buffer.from(JSON.stringify({ trigger: "realtime_audio.per_participant", data: {} })))).toBe("ignored");
  });
});

describe("the bot's voice to Attendee", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("goes out in whole 100 ms pieces, the last one padded with silence once the voice stops", () => {
    const sent: (Buffer | string)[] = [];
    const voice = new AttendeeVoice((message) => sent.push(message), RATE);
    for (let i = 0; i < 12; i++) voice.write(frame20ms(i + 1)); // 240 ms
    expect(outputPieces(sent).map((piece) => piece.length)).toEqual([1600, 1600]);
    expect(outputPieces(sent)[1]?.[0]).toBe(6);
    vi.advanceTimersByTime(FINISH_AFTER_MS - 1);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1);
    const last = outputPieces(sent)[2];
    expect(last?.length).toBe(1600);
    expect(last?.[0]).toBe(11);
    expect(last?.[639]).toBe(12);
    expect(last?.[640]).toBe(0);
    expect(last?.[1599]).toBe(0);
  });

  it("keeps a piece open while frames keep coming at pacing speed, and drops what is pending when the socket closes", () => {
    const sent: (Buffer | string)[] = [];
    const voice = new AttendeeVoice((message) => sent.push(message), RATE);
    for (let i = 0; i < 4; i++) {
      voice.write(frame20ms(1));
      vi.advanceTimersByTime(20);
    }
    expect(sent).toHaveLength(0);
    voice.write(frame20ms(1));
    expect(sent).toHaveLength(1);
    voice.write(frame20ms(1));
    voice.close();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
  });
});

describe("Attendee's webhook signature", () => {
  // Signed by Python's json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")) + HMAC-SHA256, as Attendee does.
  const secret = "YXR0ZW5kZWUtcHJvamVjdC1zZWNyZXQtMDEyMzQ1Njc4OQ==";
  const payload = {
    trigger: "participant_events.speech_start_stop",
    bot_id: "bot_abc",
    idempotency_key: "5d0c",
    bot_metadata: null,
    data: { participant_name: "Zoë Ñandú", event_type: "speech_start", timestamp_ms: 1732560000123, event_data: {}, z: [{ b: 1, a: 2 }] },
  };

  it("matches Attendee's canonical JSON and HMAC byte for byte", () => {
    expect(canonicalJson(payload)).toBe(
      '{"bot_id":"bot_abc","bot_metadata":null,"data":{"event_data":{},"event_type":"speech_start","participant_name":"Zoë Ñandú","timestamp_ms":1732560000123,"z":[{"a":2,"b":1}]},"idempotency_key":"5d0c","trigger":"participant_events.speech_start_stop"}',
    );
    const key = attendeeSecretKey(secret) as Buffer;
    expect(signAttendeePayload(key, payload)).toBe("0bafuGoyZ2u/JuyxyGauLHfk74JueZSpYViLyehwNPU=");
    expect(attendeeSignatureMatches(key, payload, "0bafuGoyZ2u/JuyxyGauLHfk74JueZSpYViLyehwNPU=")).toBe(true);
    expect(attendeeSignatureMatches(key, { ...payload, bot_id: "bot_other" }, "0bafuGoyZ2u/JuyxyGauLHfk74JueZSpYViLyehwNPU=")).toBe(false);
    expect(attendeeSignatureMatches(key, payload, undefined)).toBe(false);
    expect(attendeeSecretKey("not base64!")).toBeUndefined();
  });

  it("makes the webhook refuse unsigned or tampered deliveries when a secret is set", () => {
    const webhook = new AttendeeWebhook(attendeeSecretKey(secret));
    const delivery = (headers: Record<string, string>, body: unknown = payload) => webhook.verify({ headers, rawBody: JSON.stringify(body), body, nowMs: 0 });
    expect(delivery({})).toMatchObject({ ok: false, reason: expect.stringMatching(/x-webhook-signature: missing/) });
    expect(delivery({ "x-webhook-signature": "0bafuGoyZ2u/JuyxyGauLHfk74JueZSpYViLyehwNPU=" }, { ...payload, trigger: "bot.state_change" })).toMatchObject({ ok: false });
    expect(delivery({ "x-webhook-signature": "0bafuGoyZ2u/JuyxyGauLHfk74JueZSpYViLyehwNPU=" })).toEqual({ ok: true, deliveryId: "5d0c" });
  });
});

describe("Attendee's webhook events", () => {
  const webhook = new AttendeeWebhook(undefined);
  const read = (trigger: string, data: Record<string, unknown>) => webhook.read({ idempotency_key: "k", bot_id: "bot_1", bot_metadata: null, trigger, data });

  it("maps states onto in call, ended and failed", () => {
    expect(read("bot.state_change", { new_state: "joined_recording", old_state: "joining", event_type: "bot_joined_meeting" })).toEqual({
      kind: "events",
      providerBotId: "bot_1",
      events: [{ kind: "in-call", evidence: "Attendee state joined_recording" }],
    });
    expect(read("bot.state_change", { new_state: "post_processing", event_type: "meeting_ended" })).toMatchObject({ events: [{ kind: "ended", reason: "Attendee: meeting_ended" }] });
    expect(read("bot.state_change", { new_state: "fatal_error", event_type: "fatal_error", event_sub_type: "process_terminated" })).toMatchObject({
      events: [{ kind: "failed", reason: "Attendee: fatal_error/process_terminated" }],
    });
    expect(read("bot.state_change", { new_state: "waiting_room" })).toEqual({ kind: "ignored", reason: "state waiting_room" });
  });

  it("maps participant events onto roster changes and refuses broken ones", () => {
    expect(read("participant_events.speech_start_stop", { participant_name: "Alice", participant_uuid: "u1", event_type: "speech_start", timestamp_ms: 5 })).toEqual({
      kind: "events",
      providerBotId: "bot_1",
      events: [{ kind: "participant", change: { participantId: "u1", name: "Alice", kind: "speech_on", at: 5 } }],
    });
    expect(read("participant_events.join_leave", { participant_name: "Alice", event_type: "wave" }).kind).toBe("invalid");
    expect(webhook.read({ trigger: "bot.state_change" }).kind).toBe("invalid");
    expect(read("transcript.update", {}).kind).toBe("ignored");
  });
});
