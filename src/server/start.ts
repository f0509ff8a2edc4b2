/**
 * @module server/start
 * Puts the server together from the configuration — personas, speech services, meeting providers,
 * the bot manager and the HTTP app — and starts listening. `close()` makes every bot leave its
 * meeting before the server stops.
 */
import { availableParallelism } from "node:os";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { BotManager } from "../bots/bot-manager.js";
import type { ClaimStore } from "../bots/group/claim-store.js";
import type { SiblingStore } from "../bots/group/sibling-store.js";
import type { FloorStore } from "../bots/group/floor-store.js";
import { MeetingGroups } from "../bots/group/meeting-groups.js";
import type { SpeechServices } from "../services/speech-services.js";
import { createEngineFactory } from "../bots/engines/create-engine.js";
import { createBotPreparer } from "../bots/setup/prepare-bot.js";
import { type BotRegistry, BotStore } from "../bots/registry/bot-store.js";
import { recoverBots } from "../bots/registry/recover-bots.js";
import type { Config } from "../config.js";
import { type Logger, createLogger } from "../logger.js";
import { LocalMeetingProvider } from "../meeting/local/local-provider.js";
import { RoomAccess } from "../meeting/local/room-access.js";
import { roomApiRoutes } from "../meeting/local/room-api.js";
import { RoomHub } from "../meeting/local/room-hub.js";
import type { RoomPlacement } from "../meeting/local/room-placement.js";
import { roomRoutes } from "../meeting/local/room-routes.js";
import { AttendeeProvider } from "../meeting/attendee/attendee-provider.js";
import { MeetingBaasProvider } from "../meeting/meetingbaas/meetingbaas-provider.js";
import { recallAgentRoutes } from "./routes/recall-agent-routes.js";
import { RecallProvider, recallRegionUrl } from "../meeting/recall/recall-provider.js";
import { PipecatRelayRegistry } from "../meeting/pipecat/pipecat-relay-registry.js";
import { ProviderRegistry } from "../meeting/provider-registry.js";
import { createPersonaFromDescription } from "../personas/create-persona.js";
import { personaImageServices } from "../personas/images/image-services.js";
import { StorePersonaResolver } from "../personas/persona-resolver.js";
import { PersonaStore } from "../personas/persona-store.js";
import { createSpeechServices } from "../services/create-speech-services.js";
import { LlmRouter, providerOfPlan } from "../services/llm/llm-routing.js";
import { planProviders } from "../services/select-providers.js";
import { createAddressPolicy } from "../net/address-policy.js";
import { loadMcpProfiles } from "../tools/mcp/mcp-profiles.js";
import { buildApp } from "./app.js";
import { OpenSockets } from "./open-sockets.js";
import { accessMode } from "./auth/exposure.js";
import { type ServerLimits, availableMemory, resolveLimits } from "./limits/server-limits.js";
import { buildHealthReport } from "./health-report.js";
import { setHeapGrowth } from "./heap-growth.js";
import { SelfOrigins, ownAddress } from "../util/self-origins.js";
import { checkReadiness } from "./readiness.js";
import { readyRoutes } from "./routes/ready.js";
import { metricsRoutes } from "./routes/metrics.js";
import { personaRoutes } from "./routes/personas.js";
import { providerWebhookRoutes } from "./routes/provider-webhooks.js";
import { webhookRoutes } from "./routes/webhook.js";
import { pipecatBridgeRoutes } from "./ws/pipecat-bridge.js";

/** How long a closing server waits for its connections (WebSocket peers included) to close on their own. */
const SOCKET_CLOSE_GRACE_MS = 2000;

export const SHIPPED_PERSONAS_DIR = fileURLToPath(new URL("../../personas", import.meta.url));

/** Shipped personas first; new ones are written to PERSONAS_DIR, or DATA_DIR/personas. */
export function personaDirectories(config: Config): string[] {
  return [SHIPPED_PERSONAS_DIR, config.PERSONAS_DIR ?? join(config.DATA_DIR, "personas")];
}

/** The bot registry file: BOT_REGISTRY_FILE, else DATA_DIR/bots.sqlite. */
export function botRegistryPath(config: Config): string {
  return config.BOT_REGISTRY_FILE ?? join(config.DATA_DIR, "bots.sqlite");
}

export interface StartOptions {
  logger?: Logger;
  /** The public URL of a tunnel, once one is open. */
  tunnelUrl?: () => string | undefined;
  /** A public tunnel will forward the internet here: treated like a reachable HOST. */
  publicTunnel?: boolean;
  /** Ready-made speech services (benchmarks and tests share one set across servers). */
  speech?: SpeechServices;
  /** Cluster mode (REDIS_URL): the role's bot routes and registry replace the SQLite file and its recovery. */
  cluster?: ClusterWiring;
}

export interface ClusterWiring {
  /** Where the meeting groups' floors live (Redis, shared by the cluster's processes). */
  floors?: FloorStore;
  /** Where their claim rounds are held (Redis too), so siblings on different workers agree on one answerer. */
  claims?: ClaimStore;
  /** How bots learn their siblings on other workers (names, voices, the bot-to-bot count). */
  siblings?: SiblingStore;
  /** Where a worker's bots are recorded; none on an API node, which runs no bot. */
  registry: BotRegistry | undefined;
  /** `origins`: the URLs this process answers as (an API node recognises its own room links). */
  botRoutes: (bots: BotManager, limits: ServerLimits, origins: SelfOrigins) => FastifyPluginAsync;
  /** Which process holds each built-in room. */
  rooms?: RoomPlacement;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  bots: BotManager;
  providers: ProviderRegistry;
  limits: ServerLimits;
  /** The built-in rooms. */
  rooms: RoomHub;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  accessMode(config, { tunnel: options.publicTunnel }); // refuses an open server on a reachable interface, before anything loads
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  setHeapGrowth(config.HEAP_GROWTH_PERCENT);
  const images = personaImageServices(config); // a malformed UploadThing token stops the start here
  logger.info({ store: images.store.kind, generator: images.replicate ? "replicate" : "drawn" }, "persona images");
  const personas = await new PersonaStore(personaDirectories(config)).load();
  for (const problem of personas.problems) logger.warn(problem, "persona skipped");
  const plan = planProviders(config);
  const mcpProfiles = loadMcpProfiles(config.MCP_PROFILES_FILE);
  logger.info({ stt: plan.stt, llm: plan.llm, tts: plan.tts }, "speech providers chosen");
  const speech = options.speech ?? (await createSpeechServices(plan, config));
  const limits = resolveLimits(config, { memoryBytes: availableMemory(), localSpeechToText: plan.stt.name === "pocketsphinx", decoders: config.LOCAL_STT_DECODERS ?? Math.max(2, availableParallelism()) });
  const meetingBaas = new MeetingBaasProvider({ baseUrl: config.MEETING_BAAS_API_URL, version: config.MEETING_BAAS_API_VERSION, serverKey: config.MEETING_BAAS_API_KEY });
  const attendee = new AttendeeProvider({ baseUrl: config.ATTENDEE_API_URL, serverKey: config.ATTENDEE_API_KEY, webhookSecret: config.ATTENDEE_WEBHOOK_SECRET });
  const recall = new RecallProvider({ baseUrl: config.RECALL_API_URL ?? recallRegionUrl(config.RECALL_REGION), serverKey: config.RECALL_API_KEY, webhookSecret: config.RECALL_WEBHOOK_SECRET });
  const rooms = new RoomHub({ emptyRoomMs: config.ROOM_EMPTY_TIMEOUT_MS, maxParticipants: config.ROOM_MAX_PARTICIPANTS, logger });
  const roomAccess = new RoomAccess({ inUse: (room) => rooms.isOccupied(room), forgotten: (room) => options.cluster?.rooms?.release(room) });
  const origins = new SelfOrigins({ host: config.HOST, baseUrl: config.BASE_URL, tunnelUrl: options.tunnelUrl });
  // Proves a call to the built-in rooms' API comes from this very process.
  const roomApiSecret = randomBytes(32).toString("base64url");
  const pipecatRelays = new PipecatRelayRegistry();
  let selfUrl = "";
  const local = new LocalMeetingProvider({ selfUrl: () => selfUrl, origins, access: roomAccess, secret: roomApiSecret });
  // Real meeting links are matched first; only this server's own /meet/<room> URLs are built-in rooms.
  // Attendee and Recall.ai take the same links as MeetingBaas: they are used when named (`provider`, MEETING_PROVIDER).
  const providers = new ProviderRegistry([meetingBaas, local, attendee, recall], config.MEETING_PROVIDER === "auto" ? undefined : config.MEETING_PROVIDER);
  const registry = options.cluster ? undefined : BotStore.open(botRegistryPath(config));
  if (registry) logger.info({ file: registry.path, recover: config.RECOVER_BOTS }, "bot registry open");
  const groups = new MeetingGroups({ floors: options.cluster?.floors, claims: options.cluster?.claims, siblings: options.cluster?.siblings });
  const bots = new BotManager({
    groups,
    registry: options.cluster ? options.cluster.registry : registry,
    logger,
    providers,
    personas: new StorePersonaResolver(
      personas,
      config.DEFAULT_PERSONA,
      speech.llm.name === "none" ? undefined : (prompt) => createPersonaFromDescription(speech.llm, prompt),
    ),
    createEngine: createEngineFactory({ config, speech, logger, pipecatRelays }),
    prepareBot: createBotPreparer({
      config,
      speech,
      llm: new LlmRouter(config, speech.llm, providerOfPlan(plan.llm.name)),
      mcpProfiles,
      policy: createAddressPolicy(config.FETCH_ALLOW_HOSTS),
    }),
    serverApiKey: config.MEETING_BAAS_API_KEY,
    baseUrl: config.BASE_URL,
    tunnelUrl: options.tunnelUrl ?? (() => undefined),
    loopbackBase: () => selfUrl.replace(/^http/, "ws"),
    connectTimeoutMs: config.BOT_CONNECT_TIMEOUT_MS,
    reconnectGraceMs: config.BOT_RECONNECT_GRACE_MS,
    allowHttpImages: origins.isLoopback,
    onTranscript: (bot, line) => {
      if (bot.provider === "local") rooms.publishTranscript(bot.bot_id, bot.bot_name, line);
    },
    onVoiceState: (bot, state) => {
      if (bot.provider === "local") rooms.publishVoiceState(bot.bot_id, state);
    },
  });
  // Bots from before a crash are resumed before listening, so their provider's first redial is accepted.
  // In a cluster, another worker takes over a dead worker's bots instead.
  const recovery = registry
    ? recoverBots({ store: registry, bots, providers, mode: config.RECOVER_BOTS, serverApiKey: config.MEETING_BAAS_API_KEY, logger })
    : { resumed: [], done: Promise.resolve() };
  const app = await buildApp({
    config,
    logger,
    bots,
    limits,
    publicTunnel: options.publicTunnel,
    health: () => buildHealthReport(plan, providers.names, bots, providers.status()),
    botRoutes: options.cluster?.botRoutes(bots, limits, origins),
    plugins: [
      personaRoutes({
        store: personas,
        llm: speech.llm,
        images,
        publicBaseUrl: () => config.BASE_URL ?? options.tunnelUrl?.(),
        limits,
      }),
      readyRoutes(() => checkReadiness({ plan, speech, maxBots: limits.maxBots, activeBots: () => bots.activeCount, acceptingBots: () => bots.acceptingBots })),
      metricsRoutes(bots),
      webhookRoutes({ bots, signingSecret: config.MEETING_BAAS_WEBHOOK_SECRET }),
      providerWebhookRoutes({ bots, providers }),
      recallAgentRoutes(bots),
      roomApiRoutes({ hub: rooms, secret: roomApiSecret, selfUrl: () => selfUrl }),
      roomRoutes({ hub: rooms, access: roomAccess, origins, placement: options.cluster?.rooms }), pipecatBridgeRoutes(pipecatRelays)],
  });
  const sockets = new OpenSockets(app.server);
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    // Leave calls already sent still record their outcome before the file is released.
    await recovery.done;
    registry?.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;
  // The built-in rooms' API and streams are reached on the server's own address, never a public one.
  selfUrl = ownAddress(config.HOST, port);
  origins.listening(port);
  roomAccess.start();
  return {
    url,
    app,
    bots,
    providers,
    limits,
    rooms,
    async close() {
      const result = await bots.shutdown(config.SHUTDOWN_TIMEOUT_MS);
      logger.info(result, "bots left their meetings");
      await recovery.done;
      rooms.stop();
      roomAccess.stop();
      // Peers got a close frame; one that does not answer within the grace period is cut off.
      await sockets.closeWithin(SOCKET_CLOSE_GRACE_MS, () => app.close());
      registry?.close();
      await groups.close();
      // Engines handed in by the caller are the caller's to release.
      if (!options.speech) await speech.vadModel.close?.();
    },
  };
}
