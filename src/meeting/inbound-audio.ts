/**
 * @module meeting/inbound-audio
 * The rules every PCM frame from outside must pass before anything uses it, on both WebSocket
 * endpoints (the provider's meeting stream and the Pipecat bridge): a sample rate a resampler can
 * take, one or two channels, whole 16-bit samples, and a length a real frame has. A frame that breaks
 * one is refused with the close code and reason its connection ends with; a valid one comes out as
 * mono samples ready for the pipeline.
 */
import { CLOSE_CODES, type StreamViolation, violation } from "./stream-violation.js";

/** Rates meeting audio and speech pipelines really use; outside this a resampler misbehaves. */
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 48000;
/** Stereo is mixed down; more channels are refused. */
export const MAX_CHANNELS = 2;
/** Real frames carry 10 ms to a few hundred ms of audio; two seconds leaves room for any provider. */
export const MAX_FRAME_SECONDS = 2;

export interface AudioFormat {
  sampleRate: number;
  channels: number;
}

export type AudioCheck = { ok: true; pcm: Int16Array } | { ok: false; violation: StreamViolation };

/** Why a sample rate is unusable, or `undefined` when it is fine. */
export function sampleRateProblem(rate: number): string | undefined {
  if (Number.isInteger(rate) && rate >= MIN_SAMPLE_RATE && rate <= MAX_SAMPLE_RATE) return undefined;
  return `sample rate ${rate} Hz is outside ${MIN_SAMPLE_RATE}-${MAX_SAMPLE_RATE} Hz`;
}

function refuse(code: StreamViolation["code"], reason: string): AudioCheck {
  return { ok: false, violation: violation(code, reason) };
}

/** Checks one frame of s16le PCM and returns it as mono samples. */
export function checkPcmFrame(bytes: Uint8Array, format: AudioFormat): AudioCheck {
  const rateProblem = sampleRateProblem(format.sampleRate);
  if (rateProblem) return refuse(CLOSE_CODES.invalidPayload, rateProblem);
  const { channels } = format;
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    return refuse(CLOSE_CODES.invalidPayload, `${channels} audio channels; only mono or stereo is taken`);
  }
  if (bytes.length === 0) return refuse(CLOSE_CODES.invalidPayload, "empty audio frame");
  const frameBytes = 2 * channels;
  if (bytes.length % frameBytes !== 0) {
    return refuse(CLOSE_CODES.invalidPayload, `audio frame of ${bytes.length} bytes is not whole 16-bit samples for ${channels} channel(s)`);
  }
  const seconds = bytes.length / frameBytes / format.sampleRate;
  if (seconds > MAX_FRAME_SECONDS) {
    return refuse(CLOSE_CODES.messageTooBig, `audio frame of ${seconds.toFixed(2)} s is longer than ${MAX_FRAME_SECONDS} s`);
  }
  // Int16Array needs 2-byte alignment; ws hands out slices of a larger buffer that may be odd.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : new Uint8Array(bytes);
  const samples = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
  return { ok: true, pcm: channels === 1 ? samples : downmixStereo(samples) };
}

/** Averages interleaved left/right samples into one channel. */
export function downmixStereo(interleaved: Int16Array): Int16Array {
  const mono = new Int16Array(interleaved.length / 2);
  for (let i = 0; i < mono.length; i++) mono[i] = ((interleaved[2 * i] ?? 0) + (interleaved[2 * i + 1] ?? 0)) >> 1;
  return mono;
}
