/**
 * @module meeting/meeting-links
 * The link shapes of the meeting platforms MeetingBaas joins: Google Meet, Zoom and Microsoft
 * Teams. A URL goes to MeetingBaas only when it has one of these shapes; a URL on one of their hosts
 * with another shape is refused with a message saying what a valid link looks like, so a typo never
 * ends up somewhere else (such as a built-in room).
 */

export type MeetingPlatform = "Google Meet" | "Zoom" | "Microsoft Teams";

interface PlatformShape {
  platform: MeetingPlatform;
  host: RegExp;
  example: string;
  /** Whether the path (and, for Teams' v2 links, the query) names a meeting. */
  isMeeting(url: URL): boolean;
}

const ZOOM_ID = String.raw`\d{9,12}`;

const SHAPES: readonly PlatformShape[] = [
  {
    platform: "Google Meet",
    host: /^meet\.google\.com$/,
    example: "https://meet.google.com/abc-defg-hij",
    isMeeting: (url) => /^\/([a-z]{3}-[a-z]{4}-[a-z]{3}|lookup\/[a-z0-9_-]{1,64})\/?$/i.test(url.pathname),
  },
  {
    platform: "Zoom",
    host: /^([a-z0-9-]+\.)*zoom\.us$/,
    example: "https://us02web.zoom.us/j/85123456789?pwd=…",
    isMeeting: (url) =>
      new RegExp(`^/(j|w|s)/${ZOOM_ID}/?$`).test(url.pathname) ||
      new RegExp(`^/wc/(join/)?${ZOOM_ID}(/(join|start))?/?$`).test(url.pathname) ||
      /^\/my\/[a-z0-9._-]{1,64}\/?$/i.test(url.pathname),
  },
  {
    platform: "Microsoft Teams",
    host: /^teams\.(microsoft\.com|live\.com)$/,
    example: "https://teams.microsoft.com/l/meetup-join/… or https://teams.microsoft.com/meet/<id>?p=…",
    isMeeting: (url) =>
      /^\/l\/meetup-join\/.+/.test(url.pathname) ||
      /^\/meet\/[a-z0-9_-]{1,64}\/?$/i.test(url.pathname) ||
      (url.pathname.startsWith("/v2/") && url.searchParams.get("meetingjoin") === "true"),
  },
];

function shapeForHost(url: URL): PlatformShape | undefined {
  return SHAPES.find((shape) => shape.host.test(url.hostname));
}

/** The platform of a valid https meeting link, or undefined. */
export function meetingPlatform(url: URL): MeetingPlatform | undefined {
  if (url.protocol !== "https:" || url.username || url.password) return undefined;
  const shape = shapeForHost(url);
  return shape?.isMeeting(url) ? shape.platform : undefined;
}

/** Whether the URL is on a meeting platform's host, whatever its shape (never a built-in room then). */
export function isMeetingPlatformHost(url: URL): boolean {
  return shapeForHost(url) !== undefined;
}

/** Why a URL on a platform host is not a usable link, or undefined when it is fine or not a platform host. */
export function platformLinkProblem(url: URL): string | undefined {
  const shape = shapeForHost(url);
  if (!shape || meetingPlatform(url)) return undefined;
  if (url.protocol !== "https:") return `${shape.platform} links must use https:// (like ${shape.example})`;
  if (url.username || url.password) return `${shape.platform} links never carry a user name or password`;
  return `this is not a ${shape.platform} meeting link; it should look like ${shape.example}`;
}
