/**
 * @module server/auth/public-routes
 * The routes reachable without an API key, in one list so a review sees them all. Everything else,
 * including paths no route matches, needs a key once keys are configured.
 *
 * - The landing page, the minimal health view, the API docs and the OpenAPI file describe the
 *   service and reveal no bot.
 * - Meeting providers dial the stream sockets (`/ws/<client id>`, `/pipecat/<id>`), post to
 *   `/webhook` and `/webhook/<provider>`, and open Recall's Output Media page; those carry their
 *   own proof (unguessable ids, per-bot secrets and tokens, signatures).
 * - The built-in room (its pages, sockets and MeetingBaas-compatible API) is guarded by room
 *   tokens and an internal secret of its own, and avatars are fetched by meeting platforms.
 */
import { PERSONA_IMAGE_ROUTE } from "../../personas/persona-images.js";
import { LOCAL_API_PREFIX } from "../../meeting/local/room-api.js";

interface PublicRoute {
  methods: readonly string[];
  /** The route's pattern as registered, e.g. `/ws/:client_id`; a trailing `*` matches a prefix. */
  url: string;
}

const READ = ["GET", "HEAD"] as const;
const ANY = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { methods: READ, url: "/" },
  { methods: READ, url: "/health" },
  { methods: READ, url: "/ready" },
  { methods: READ, url: "/openapi.json" },
  { methods: READ, url: "/docs" },
  { methods: READ, url: "/docs/*" },
  { methods: READ, url: "/ws/:client_id" },
  { methods: READ, url: "/pipecat/:client_id" },
  { methods: ["POST"], url: "/webhook" },
  { methods: ["POST"], url: "/webhook/:provider" },
  { methods: READ, url: "/meet/:room" },
  { methods: READ, url: "/meet/:room/ws" },
  // The room page opens rooms for a local, same-origin browser only; the route checks that itself.
  { methods: ["POST"], url: "/meet/rooms" },
  { methods: READ, url: "/web/*" },
  // Recall.ai's bot opens a bot's Output Media page and its socket; the token in the path is the proof.
  { methods: READ, url: "/recall/agent/:token" },
  { methods: READ, url: "/recall/agent/:token/ws" },
  { methods: ANY, url: `${LOCAL_API_PREFIX}/*` },
  { methods: READ, url: `${PERSONA_IMAGE_ROUTE}/:file` },
];

/** Whether the route registered as `url` (undefined when no route matched) is public for `method`. */
export function isPublicRoute(method: string, url: string | undefined): boolean {
  if (url === undefined) return false;
  return PUBLIC_ROUTES.some((route) => {
    if (!route.methods.includes(method)) return false;
    return route.url.endsWith("*") ? url === route.url.slice(0, -2) || url.startsWith(route.url.slice(0, -1)) : url === route.url;
  });
}
