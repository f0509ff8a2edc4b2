/**
 * @module tools/get-time
 * `get_time`: the current local time in a place, given as an IANA time zone. No network needed.
 */
import { z } from "zod";
import type { Tool } from "./tool.js";

const args = z.object({
  location: z.string().min(1).max(64).describe("IANA time zone, e.g. Europe/Paris or America/New_York"),
});

export const getTime: Tool<typeof args> = {
  name: "get_time",
  description: "Get the current local date and time in a time zone",
  args,
  async run({ location }, context) {
    let formatted: string;
    try {
      formatted = new Intl.DateTimeFormat("en-US", {
        timeZone: location,
        weekday: "long",
        hour: "numeric",
        minute: "2-digit",
        month: "long",
        day: "numeric",
      }).format(context.now());
    } catch {
      return `I don't know the time zone "${location}". Use a name like Europe/Paris or Asia/Tokyo.`;
    }
    return `In ${location.replaceAll("_", " ")} it is ${formatted}.`;
  },
};
