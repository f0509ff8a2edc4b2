/**
 * @module meeting/provider-stream/base64-audio
 * Audio that arrives as base64 text inside JSON (Attendee, Recall.ai): the text is checked to be
 * real base64 before decoding (Node's decoder silently skips junk), then the PCM goes through the
 * same frame rules as binary audio.
 */
import { type AudioCheck, checkPcmFrame } from "../inbound-audio.js";
import { CLOSE_CODES, violation } from "../stream-violation.js";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64Pcm(text: string, sampleRate: number): AudioCheck {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    return { ok: false, violation: violation(CLOSE_CODES.invalidPayload, "audio chunk is not base64") };
  }
  return checkPcmFrame(Buffer.from(text, "base64"), { sampleRate, channels: 1 });
}

export function encodeBase64Pcm(pcm: Int16Array): string {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString("base64");
}
