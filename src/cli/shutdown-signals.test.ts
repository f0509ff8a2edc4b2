/**
 * One graceful stop per shutdown request: the same signal delivered twice at once (terminal plus
 * npm) is one request, a later signal exits at once, and the exit code says whether bots left.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { exitGracefullyOnSignals } from "./shutdown-signals.js";

function harness(stop: () => Promise<void>) {
  const target = new EventEmitter();
  const exits: number[] = [];
  let clock = 0;
  const stops: string[] = [];
  exitGracefullyOnSignals({
    stop: (signal) => {
      stops.push(signal);
      return stop();
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    target: { on: target.on.bind(target), exit: (code?: number | string | null) => exits.push(Number(code)) as never } as Pick<NodeJS.Process, "on" | "exit">,
    now: () => clock,
  });
  return { send: (signal: string) => target.emit(signal), exits, stops, advance: (ms: number) => (clock += ms) };
}

describe("exitGracefullyOnSignals", () => {
  it("stops once when the same signal arrives twice at once, then exits 0", async () => {
    let finish: () => void = () => undefined;
    const h = harness(() => new Promise<void>((resolve) => (finish = resolve)));
    h.send("SIGINT");
    h.advance(5);
    h.send("SIGINT");
    expect(h.stops).toEqual(["SIGINT"]);
    expect(h.exits).toEqual([]);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.exits).toEqual([0]);
  });

  it("exits at once with 1 on a signal sent again later, or on a different signal", () => {
    const later = harness(() => new Promise<void>(() => undefined));
    later.send("SIGTERM");
    later.advance(1500);
    later.send("SIGTERM");
    expect(later.exits).toEqual([1]);

    const other = harness(() => new Promise<void>(() => undefined));
    other.send("SIGINT");
    other.send("SIGHUP");
    expect(other.stops).toEqual(["SIGINT"]);
    expect(other.exits).toEqual([1]);
  });

  it("exits 1 when the graceful stop fails", async () => {
    const h = harness(() => Promise.reject(new Error("a bot would not leave")));
    h.send("SIGHUP");
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.exits).toEqual([1]);
  });
});
