/**
 * @module meeting/provider-stream/pcm-stream-adapter
 * The stream of MeetingBaas bots (also spoken by the built-in room and the Recall agent page):
 * binary frames of s16le mono PCM both ways, JSON text for the handshake and speaker rosters. The
 * bot's voice goes out frame by frame as the pipeline paces it.
 */
import { decodeStreamMessage, encodeStreamAudio } from "../stream-codec.js";
import type { StreamAdapter, StreamInput } from "./stream-adapter.js";

export const pcmStreamAdapter: StreamAdapter = {
  format: "binary PCM with JSON side messages",
  decode(data, isBinary, sampleRate): StreamInput {
    const message = decodeStreamMessage(data, isBinary, sampleRate);
    return message.kind === "handshake" ? { kind: "handshake" } : message;
  },
  voice(send) {
    return {
      write: (pcm) => send(encodeStreamAudio(pcm)),
      close: () => undefined,
    };
  },
};
