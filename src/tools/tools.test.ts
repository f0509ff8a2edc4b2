import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TOOLS, runToolCall, toolSchemas } from "./registry.js";

const j1 = {
  current_condition: [{ temp_C: "18", temp_F: "64", FeelsLikeC: "17", FeelsLikeF: "63", humidity: "60", weatherDesc: [{ value: "Partly cloudy" }] }],
  nearest_area: [{ areaName: [{ value: "Paris" }] }],
};

describe("tools", () => {
  const paths: string[] = [];
  let weatherApiUrl = "";
  const server = createServer((req, res) => {
    paths.push(req.url ?? "");
    if (req.url?.startsWith("/Nowhere")) return void res.writeHead(404).end("Unknown location");
    if (req.url?.startsWith("/Slow")) return void setTimeout(() => res.end("{}"), 6000);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(j1));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    weatherApiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const context = () => ({ signal: new AbortController().signal, weatherApiUrl, now: () => new Date("2026-11-25T12:00:00Z") });
  const call = (name: string, args: unknown) => runToolCall({ id: "c1", name, arguments: JSON.stringify(args) }, ALL_TOOLS, context());

  it("describes every tool to the model as a JSON schema", () => {
    const schemas = toolSchemas(ALL_TOOLS);
    expect(schemas.map((s) => s.name)).toEqual(["get_weather", "get_time"]);
    expect(schemas[0]?.parameters).toMatchObject({ type: "object", required: ["location"], properties: { format: { enum: ["celsius", "fahrenheit"] } } });
  });

  it("reads the weather back as a sentence, URL-encoding the place", async () => {
    expect(await call("get_weather", { location: "San Francisco", format: "fahrenheit" })).toBe(
      "In San Francisco it is 64 degrees Fahrenheit, feeling like 63, with partly cloudy and 60 percent humidity.",
    );
    expect(paths.at(-1)).toBe("/San%20Francisco?format=j1");
    expect(await call("get_weather", { location: "Nowhere" })).toMatch(/had no answer for Nowhere \(status 404\)/);
  });

  it("gives up on a slow weather service with a sentence", async () => {
    expect(await call("get_weather", { location: "Slow" })).toMatch(/couldn't reach the weather service/);
  }, 10_000);

  it("tells the time in a zone without the network, and explains bad input", async () => {
    expect(await call("get_time", { location: "Asia/Tokyo" })).toBe("In Asia/Tokyo it is Wednesday, November 25 at 9:00 PM.");
    expect(await call("get_time", { location: "Mars/Olympus" })).toMatch(/don't know the time zone "Mars\/Olympus"/);
    expect(await runToolCall({ id: "x", name: "get_time", arguments: "{oops" }, ALL_TOOLS, context())).toMatch(/not valid JSON/);
    expect(await call("get_time", {})).toMatch(/arguments for get_time were wrong: location/);
    expect(await call("launch_rocket", {})).toBe("There is no tool called launch_rocket.");
  });
});
