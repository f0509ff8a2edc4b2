/**
 * @module bots/cluster/room-bot-requests
 * Bots for the cluster's built-in rooms. A meeting URL names one of the cluster's rooms when it is
 * `local:<room>`, or `…/meet/<room>` on the API node's own origin or on a registered worker's
 * BASE_URL; the bot then goes to the worker holding the room, with the URL rewritten to that
 * worker's BASE_URL (the worker takes only its own room links) and the room's token kept.
 */
import { roomFromMeetingUrl, roomLink, roomTokenFromMeetingUrl } from "../../meeting/local/room-names.js";
import { originOf } from "../../util/self-origins.js";
import type { MeetingProvider } from "../../meeting/meeting-provider.js";
import type { BotRequest } from "../bot-request.js";
import type { Placement } from "./placement-jobs.js";
import type { WorkerView } from "./worker-presence.js";

/** The cluster room a bot request is for, or undefined when it is for another kind of meeting. */
export function clusterRoomOf(request: BotRequest, ownOrigin: (url: string) => boolean, workers: Pick<WorkerView, "baseUrl">[]): string | undefined {
  if (request.provider !== undefined && request.provider !== "local") return undefined;
  const room = roomFromMeetingUrl(request.meeting_url);
  if (!room) return undefined;
  if (new URL(request.meeting_url).protocol === "local:" || ownOrigin(request.meeting_url)) return room;
  const origin = originOf(request.meeting_url);
  return workers.some((worker) => originOf(worker.baseUrl) === origin) ? room : undefined;
}

/** The request as the worker holding the room takes it: the room's link on that worker's BASE_URL. */
export function requestForRoomWorker(request: BotRequest, room: string, worker: Pick<WorkerView, "baseUrl">): BotRequest {
  const token = roomTokenFromMeetingUrl(request.meeting_url);
  const meetingUrl = token ? roomLink(worker.baseUrl, room, encodeURIComponent(token)) : `${worker.baseUrl.replace(/\/+$/, "")}/meet/${room}`;
  return { ...request, meeting_url: meetingUrl };
}

/**
 * On a worker: the built-in room a placement is for, as the job says or as this worker's local
 * provider would take the URL (a room bot that reached the shared queue is still a room bot).
 */
export function roomOfPlacement(placement: Placement, request: BotRequest, local: MeetingProvider | undefined): string | undefined {
  if (placement.room !== undefined) return placement.room;
  if (request.provider !== undefined && request.provider !== "local") return undefined;
  const room = roomFromMeetingUrl(request.meeting_url);
  return room !== undefined && local?.accepts(new URL(request.meeting_url)) ? room : undefined;
}
