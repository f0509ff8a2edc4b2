/**
 * @module services/tts/cartesia-messages
 * What Cartesia's TTS WebSocket sends back, decoded and checked: audio chunks, the end of a flushed
 * stretch (`flush_done`), the end of a context (`done`) and errors. Anything else is ignored.
 */
import { z } from "zod";

const messageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("chunk"), context_id: z.string(), data: z.string() }),
  z.object({ type: z.literal("flush_done"), context_id: z.string() }),
  z.object({ type: z.literal("done"), context_id: z.string() }),
  z.object({ type: z.literal("error"), context_id: z.string().optional(), error: z.string().optional() }),
  z.object({ type: z.literal("timestamps"), context_id: z.string() }),
]);

export type CartesiaEvent =
  | { contextId: string; kind: "audio"; audio: Int16Array }
  | { contextId: string; kind: "flushed" | "done" }
  | { contextId: string | undefined; kind: "error"; error: string };

/** Decodes one message; null for what carries nothing for us (bad JSON, unknown types, timestamps). */
export function decodeCartesiaMessage(text: string): CartesiaEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) return null;
  const m = parsed.data;
  switch (m.type) {
    case "chunk": {
      const bytes = Buffer.from(m.data, "base64");
      // A copy on an even length: an odd trailing byte is half a sample, and Int16Array needs alignment.
      const aligned = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
      return { contextId: m.context_id, kind: "audio", audio: new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2) };
    }
    case "flush_done":
      return { contextId: m.context_id, kind: "flushed" };
    case "done":
      return { contextId: m.context_id, kind: "done" };
    case "error":
      return { contextId: m.context_id, kind: "error", error: m.error ?? "synthesis failed" };
    default:
      return null;
  }
}
