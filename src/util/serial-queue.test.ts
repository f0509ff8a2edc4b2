import { describe, expect, it } from "vitest";
import { SerialQueue } from "./serial-queue.js";

describe("serial queue", () => {
  it("runs tasks one at a time in order, and a failure belongs to its own caller", async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, fail = false) => async () => {
      running += 1;
      expect(running).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(name);
      running -= 1;
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
    const a = queue.run(task("a"));
    const b = queue.run(task("b", true));
    const c = queue.run(task("c"));
    await expect(a).resolves.toBe("a");
    await expect(b).rejects.toThrow("b failed");
    await expect(c).resolves.toBe("c");
    await queue.idle();
    expect(log).toEqual(["a", "b", "c"]);
  });
});
