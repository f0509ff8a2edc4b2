/**
 * @module server/heap-growth
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * starts the next one. Its own choice here is often under 30 %: with a hundred bots the live heap is
 * about 85 MB, so a full collection (10–25 ms with the main thread stopped) ran three times a second
 * and was most of the late audio frames and of the event-loop delay. Doubling the room costs some
 * tens of MB of RSS and makes full collections several seconds apart (BENCHMARKS.md, section 2).
 */
import { setFlagsFromString } from "node:v8";

/** `percent` 0 leaves V8's own heuristic; the flag is read at every collection, so it takes effect at once. */
export function setHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
