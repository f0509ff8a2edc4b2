/**
 * @module bots/bot-manager
 * The registry of every bot this process runs: launches a bot (persona, provider, stream URL),
 * routes the provider's stream to it, makes it leave, and makes all of them leave on shutdown.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError, ProviderError, errorMessage } from "../core/errors.js";
import type { Logger } from "../logger.js";
import type { ProviderRegistry } from "../meeting/provider-registry.js";
import type { AudioFrequency, MeetingProvider } from "../meeting/meeting-provider.js";
import { pcmStreamAdapter } from "../meeting/provider-stream/pcm-stream-adapter.js";
import type { StreamAdapter } from "../meeting/provider-stream/stream-adapter.js";
import { Bot } from "./bot.js";
import type { PersonaResolver, ResolvedPersona, TranscriptLine, VoicePipeline, VoiceState } from "../core/bot-contracts.js";
import type { VoicePipelineOptions } from "../pipeline/voice-pipeline-options.js";
import type { BotServiceOverrides } from "../services/speech-services.js";
import type { BotInfo, BotRequest, BotStatus } from "./bot-request.js";
import type { BotRegistry } from "./registry/bot-store.js";
import { AlreadyGreetedEngine } from "./registry/greeted-engine.js";
import { type ResumableBot, savedBotInfo } from "./registry/saved-bot.js";
import { botImageUrl } from "./bot-image.js";
import { type BotSetup, NO_SETUP, type PrepareBot } from "./setup/prepare-bot.js";
import { newClientId, resolveWebSocketBase, streamUrl } from "./websocket-url.js";
import { defaultMeetingGroup } from "./group/meeting-group-key.js";
import type { GroupMembership } from "./group/group-membership.js";
import type { MeetingGroups } from "./group/meeting-groups.js";
import { resolveTurnPolicy } from "../core/turn-policy.js";

/** Who a transcript line or voice state belongs to: cheap to make, unlike a full `info()`. */
export type BotIdentity = Pick<BotInfo, "bot_id" | "bot_name" | "provider">;

const botIdentity = (bot: Bot): BotIdentity => ({ bot_id: bot.id, bot_name: bot.settings.botName, provider: bot.settings.providerName });

export interface BotManagerOptions {
  logger: Logger;
  providers: ProviderRegistry;
  personas: PersonaResolver;
  /** Builds the engine of one bot: voice pipeline, Pipecat relay or recorder. */
  createEngine(options: VoicePipelineOptions, request: BotRequest): VoicePipeline;
  /** The server's MeetingBaas key (other providers carry their own server key in `credentials`). */
  serverApiKey: string | undefined;
  baseUrl: string | undefined;
  tunnelUrl: () => string | undefined;
  /** This server's own loopback WebSocket base; built-in room bots always dial it. */
  loopbackBase?: () => string;
  connectTimeoutMs: number;
  reconnectGraceMs: number;
  /** Receives what each bot heard and said (the built-in room shows it). */
  onTranscript?: (bot: BotIdentity, line: TranscriptLine) => void;
  /** Receives each change of a bot's voice state (the built-in room shows it). */
  onVoiceState?: (bot: BotIdentity, state: VoiceState) => void;
  /** Where every bot is recorded so a restarted server can resume or remove it; none keeps nothing. */
  registry?: BotRegistry;
  /** Whether `bot_image` may be plain http:// (a loopback-only development server). */
  allowHttpImages?: boolean;
  /** Makes ready what a request adds to its bot (prompt data, MCP tools, LLM, turn and speed); may refuse with a 4xx. */
  prepareBot?: PrepareBot;
  /** The meeting groups: bots of one meeting share a floor and one answer per room question. */
  groups?: MeetingGroups;
}

/** One meeting group as GET /meetings shows it. */
export interface MeetingInfo {
  meeting_group: string;
  bots: { bot_id: string; bot_name: string; speaking: boolean }[];
  floor_holder: string | null;
}

export interface LaunchContext {
  /** The caller's own MeetingBaas key, from the x-meeting-baas-api-key header (other providers' keys are read from `headers`). */
  apiKey: string | undefined;
  /** The tenant sending the bot; undefined when the server runs without API keys. */
  tenant: string | undefined;
  /** Whether the bot may fall back to the server's provider key, e.g. MEETING_BAAS_API_KEY (never for anonymous callers off loopback). */
  mayUseServerKey: boolean;
  headers: Record<string, string | string[] | undefined>;
  encrypted: boolean;
  /** A persona resolved earlier (a bot relaunched on another worker stays the same bot). */
  persona?: ResolvedPersona;
}

/** What DELETE reports: a live bot, or one that finished earlier (even before a restart). */
export interface BotOutcome {
  id: string;
  status: BotStatus;
}

/** Everything needed to build one bot, for a new launch or for a bot resumed after a restart. */
interface BotSpec {
  clientId: string;
  botName: string;
  persona: ResolvedPersona;
  request: BotRequest;
  providerName: string;
  frequency: AudioFrequency;
  apiKey: string | undefined;
  tenant: string | undefined;
  /** The WebSocket base the provider dials; Pipecat pipelines connect under it too. */
  streamBase: string;
  /** Resumed in the call: the meeting already heard its greeting. */
  greeted: boolean;
  overrides?: BotServiceOverrides;
}

/** Finished bots kept for status queries. */
const FINISHED_HISTORY = 500;

export class BotManager {
  private readonly byId = new Map<string, Bot>();
  private readonly byClientId = new Map<string, Bot>();
  private readonly apiKeys = new Map<Bot, string | undefined>();
  /** The secret in the webhook URL each bot's provider posts to. */
  private readonly webhookTokens = new WeakMap<Bot, string>();
  private readonly meetingLinks = new WeakMap<Bot, string>();
  /** What each launched bot holds beyond its engine (MCP sessions), freed when it finishes. */
  private readonly setups = new Map<Bot, BotSetup>();
  /** Each speaking bot's place in its meeting group, left when it finishes. */
  private readonly memberships = new Map<Bot, GroupMembership>();
  /** Setups being released (MCP sessions, stdio servers); shutdown waits for them. */
  private readonly releasing = new Set<Promise<void>>();
  private shuttingDown = false;

  constructor(private readonly options: BotManagerOptions) {}

  /** Sends a bot into a meeting; resolves with its public id once the provider accepted it. */
  async launch(request: BotRequest, context: LaunchContext): Promise<Bot> {
    if (this.shuttingDown) throw new AppError("SHUTTING_DOWN", "The server is shutting down and takes no new bots");
    if (request.bot_image?.startsWith("http:") && !this.options.allowHttpImages) {
      throw new AppError("VALIDATION_FAILED", "bot_image: must be an https:// URL (http:// is accepted only on a loopback development server)");
    }
    const provider = this.options.providers.select(request.meeting_url, request.provider);
    const apiKey = this.callerKey(provider, context) ?? (context.mayUseServerKey ? this.serverKeyFor(provider) : undefined);
    if (provider.requiresApiKey && !apiKey) {
      const label = provider.credentials?.label ?? provider.name;
      const header = provider.credentials?.header ?? "x-meeting-baas-api-key";
      throw new AppError("API_KEY_MISSING", `Missing ${label} API key: send it in the ${header} header`);
    }
    const clientId = newClientId();
    // First, so a refused field is answered before a persona is drafted; released if the persona fails.
    const setup = (await this.options.prepareBot?.(request, this.options.logger.child({ clientId, tenant: context.tenant }))) ?? NO_SETUP;
    const resolved = context.persona ?? await this.options.personas.resolve({ prompt: request.prompt, personas: request.personas, botName: request.bot_name }).catch(async (error: unknown) => {
      await setup.close();
      throw error;
    });
    if (this.shuttingDown) {
      // Shutdown began while pages and tools loaded: it no longer waits for this bot.
      await setup.close();
      throw new AppError("SHUTTING_DOWN", "The server is shutting down and takes no new bots");
    }
    const loopback = provider.name === "local" ? this.options.loopbackBase?.() : undefined;
    const wsBase = loopback ? { base: loopback, source: "loopback" } : resolveWebSocketBase({
      requestOverride: request.websocket_url,
      baseUrl: this.options.baseUrl,
      tunnelUrl: this.options.tunnelUrl(),
      headers: context.headers,
      encrypted: context.encrypted,
    });
    const frequency: AudioFrequency = request.streaming_audio_frequency === "24khz" ? 24000 : 16000;
    // What the provider cannot do is refused before the bot is built.
    try {
      provider.check?.({ audioFrequency: frequency, streamBase: wsBase.base });
    } catch (error) {
      await setup.close();
      throw error;
    }
    const botName = request.bot_name || resolved.name;
    const logger = this.options.logger.child({ clientId, persona: resolved.key, tenant: context.tenant });
    const persona = setup.promptAddition ? { ...resolved, systemPrompt: `${resolved.systemPrompt}\n\n${setup.promptAddition}` } : resolved;
    const spec: BotSpec = {
      clientId, botName, persona, request, providerName: provider.name, frequency, apiKey, tenant: context.tenant, streamBase: wsBase.base, greeted: false, overrides: setup.overrides,
    };
    let bot: Bot;
    try {
      this.options.registry?.saveLaunch({
        clientId,
        provider: provider.name,
        meetingUrl: request.meeting_url,
        botName,
        persona,
        pipeline: request.pipeline,
        recorder: request.recorder,
        enableTools: request.enable_tools,
        audioFrequency: frequency,
        apiKey,
        tenant: context.tenant,
        meetingGroup: meetingGroupOf(request, provider.name),
      });
      bot = this.createBot(spec, logger);
    } catch (error) {
      await setup.close();
      throw error;
    }
    this.setups.set(bot, setup);
    const webhookToken = randomBytes(18).toString("base64url");
    this.webhookTokens.set(bot, webhookToken);
    const botImage = botImageUrl({
      requested: request.bot_image,
      personaImage: persona.image,
      streamBase: wsBase,
      publicBase: this.options.baseUrl ?? this.options.tunnelUrl(),
      local: provider.name === "local",
    });
    if (persona.image && !botImage) logger.warn({ image: persona.image }, "no bot image sent: the persona's image is a path on this server, which has no public address");
    logger.info({ meetingUrl: request.meeting_url, provider: provider.name, wsSource: wsBase.source, chosenBy: persona.chosenBy }, "sending bot");
    try {
      const joined = await provider.join({
        meetingUrl: request.meeting_url,
        botName,
        botImage,
        entryMessage: request.entry_message ?? persona.entryMessage,
        extra: request.extra,
        clientId,
        streamBase: wsBase.base,
        streamUrl: streamUrl(wsBase.base, clientId),
        audioFrequency: frequency,
        deduplicationKey: `${persona.key}-BaaS-${clientId}`,
        webhookUrl: this.webhookUrl(loopback, webhookToken, provider),
        apiKey,
        listenOnly: request.recorder,
      });
      bot.providerBotId = joined.providerBotId;
      if (joined.meetingLink) this.meetingLinks.set(bot, joined.meetingLink);
      this.byId.set(joined.providerBotId, bot);
      this.persist(() => this.options.registry?.saveProviderId(clientId, joined.providerBotId));
      logger.info({ botId: joined.providerBotId }, "provider accepted the bot");
      return bot;
    } catch (error) {
      this.byClientId.delete(clientId);
      this.apiKeys.delete(bot);
      bot.fail(errorMessage(error));
      throw providerFailure(provider.name, error);
    }
  }

  /**
   * Rebuilds a bot saved before a restart under its old client id, so the provider's redial of
   * `/ws/<client id>` is accepted; if the stream does not come back within the connect timeout the
   * bot fails and is told to leave with its own key.
   */
  resume(saved: ResumableBot): Bot {
    const request: BotRequest = {
      meeting_url: saved.meetingUrl,
      bot_name: saved.botName,
      enable_tools: saved.enableTools,
      streaming_audio_frequency: saved.audioFrequency === 24000 ? "24khz" : "16khz",
      pipeline: saved.pipeline,
      recorder: saved.recorder,
      // The group it joined before: a bot sent into a named group rejoins that group, not its URL's.
      meeting_group: saved.meetingGroup,
    };
    const logger = this.options.logger.child({ clientId: saved.clientId, persona: saved.persona.key, botId: saved.providerBotId });
    const bot = this.createBot(
      {
        clientId: saved.clientId,
        botName: saved.botName,
        persona: saved.persona,
        request,
        providerName: saved.provider,
        frequency: saved.audioFrequency,
        apiKey: saved.apiKey ?? this.serverKeyFor(this.options.providers.named(saved.provider)),
        tenant: saved.tenant ?? undefined,
        streamBase: this.options.baseUrl?.replace(/^http/, "ws") ?? this.options.loopbackBase?.() ?? "",
        greeted: saved.status === "in_call",
      },
      logger,
    );
    bot.providerBotId = saved.providerBotId;
    this.byId.set(saved.providerBotId, bot);
    if (saved.status === "in_call") bot.markInCall("it was in the call before the server restarted");
    logger.info({ status: bot.status }, "bot resumed after a restart; waiting for the provider to redial its stream");
    return bot;
  }

  private createBot(spec: BotSpec, logger: Logger): Bot {
    const { clientId, persona, request, frequency } = spec;
    const meetingGroup = meetingGroupOf(request, spec.providerName);
    // Only bots whose voice this server makes take part in the floor and the claims.
    const membership =
      request.pipeline === "builtin" && !request.recorder
        ? this.options.groups?.join(spec.tenant, meetingGroup, {
            holderId: clientId,
            displayName: spec.botName,
            names: [persona.name, ...resolveTurnPolicy(persona.turnPolicy, request.turn_policy).aliases],
          })
        : undefined;
    const bot = new Bot(
      {
        clientId,
        botName: spec.botName,
        personaKey: persona.key,
        meetingUrl: request.meeting_url,
        providerName: spec.providerName,
        pipeline: request.pipeline,
        recorder: request.recorder,
        streamSampleRate: frequency,
        streamBase: spec.streamBase,
        connectTimeoutMs: this.options.connectTimeoutMs,
        reconnectGraceMs: this.options.reconnectGraceMs,
        tenant: spec.tenant,
        meetingGroup,
      },
      ({ sendAudio, onFatal }) => {
        const engine = this.options.createEngine(
          { botId: clientId, streamSampleRate: frequency, persona, enableTools: request.enable_tools, overrides: spec.overrides, sendAudio, onFatal, group: membership },
          request,
        );
        return spec.greeted ? new AlreadyGreetedEngine(engine) : engine;
      },
      {
        onFinished: (finished) => this.forget(finished),
        onFailed: (failed) => void this.leaveProvider(failed),
        onTranscript: (speaker, line) => this.options.onTranscript?.(botIdentity(speaker), line),
        onVoiceState: (changed, state) => this.options.onVoiceState?.(botIdentity(changed), state),
        onStatusChange: (changed) => this.persistStatus(changed),
        siblingsOf: (of) => this.siblingsOf(of),
      },
      logger,
    );
    this.byClientId.set(clientId, bot);
    this.apiKeys.set(bot, spec.apiKey);
    if (membership) this.memberships.set(bot, membership);
    return bot;
  }

  /**
   * Where the provider posts status events: our own address for the built-in room, else BASE_URL;
   * the bot's own token in the URL is what proves a webhook came from its provider. Providers with
   * webhooks of their own format post to `/webhook/<provider>`.
   */
  private webhookUrl(loopbackWsBase: string | undefined, token: string, provider: MeetingProvider): string | undefined {
    const base = loopbackWsBase ? loopbackWsBase.replace(/^ws/, "http") : this.options.baseUrl?.replace(/\/+$/, "");
    const path = provider.webhook ? `/webhook/${provider.name}` : "/webhook";
    return base ? `${base}${path}?token=${token}` : undefined;
  }

  /** The key the caller sent for this provider, in the provider's own header. */
  private callerKey(provider: MeetingProvider, context: LaunchContext): string | undefined {
    const header = provider.credentials?.header;
    const raw = header ? context.headers[header] : undefined;
    const sent = (Array.isArray(raw) ? raw[0] : raw)?.trim() || undefined;
    return sent ?? (provider.name === "meetingbaas" ? context.apiKey : undefined);
  }

  /** The server's own key for this provider, if it has one. */
  private serverKeyFor(provider: MeetingProvider | undefined): string | undefined {
    return provider?.credentials?.serverKey ?? (provider?.name === "meetingbaas" ? this.options.serverApiKey : undefined);
  }

  /** How the provider of this bot frames its stream on `/ws/<client id>`. */
  streamAdapterOf(bot: Bot): StreamAdapter {
    return this.options.providers.named(bot.settings.providerName)?.stream ?? pcmStreamAdapter;
  }

  /** The link people use to join the bot's meeting, when the provider gave one (built-in rooms). */
  meetingLinkOf(bot: Bot): string | undefined {
    return this.meetingLinks.get(bot);
  }

  /**
   * The bot with this id. With `tenant`, only that tenant's bot: another tenant's bot is as
   * unknown as one never launched. Without it (no API keys, or internal callers), any bot.
   */
  get(botId: string, tenant?: string): Bot | undefined {
    const bot = this.byId.get(botId) ?? this.byClientId.get(botId);
    return bot && ownedBy(bot.settings.tenant, tenant) ? bot : undefined;
  }

  byClient(clientId: string): Bot | undefined {
    return this.byClientId.get(clientId);
  }

  /** Every bot, or with `tenant` only that tenant's bots. */
  list(tenant?: string): Bot[] {
    return [...new Set(this.byId.values())].filter((bot) => ownedBy(bot.settings.tenant, tenant));
  }

  /** The public view of a bot: live, or finished and kept in the registry (also from before a restart). */
  describe(botId: string, tenant?: string): BotInfo | undefined {
    const live = this.get(botId, tenant);
    if (live) return live.info();
    if (this.byId.has(botId) || this.byClientId.has(botId)) return undefined;
    const saved = this.options.registry?.find(botId);
    return saved?.providerBotId && ownedBy(saved.tenant ?? undefined, tenant) ? savedBotInfo(saved) : undefined;
  }

  /** Every live bot, then the finished ones the registry keeps that this process no longer holds. */
  describeAll(tenant?: string): BotInfo[] {
    const live = this.list(tenant).map((bot) => bot.info());
    const shown = new Set([...this.byId.keys()]);
    const saved = (this.options.registry?.recentFinished() ?? [])
      .filter((row) => ownedBy(row.tenant ?? undefined, tenant))
      .map(savedBotInfo)
      .filter((info) => !shown.has(info.bot_id));
    return [...live, ...saved];
  }

  /** The meeting groups with a bot of `tenant` (every group without one), their bots and floor holder. */
  async meetings(tenant?: string): Promise<MeetingInfo[]> {
    const views = this.options.groups?.list(tenant) ?? [];
    return Promise.all(
      views.map(async (view) => {
        const holder = await view.floor.holder();
        return {
          meeting_group: view.meetingGroup,
          bots: view.members.map((m) => ({ bot_id: this.publicId(m.holderId), bot_name: m.displayName, speaking: m.speaking })),
          floor_holder: holder === null ? null : this.publicId(holder),
        };
      }),
    );
  }

  private siblingsOf(bot: Bot): { bot_id: string; bot_name: string }[] {
    return (this.memberships.get(bot)?.siblings() ?? []).map((s) => ({ bot_id: this.publicId(s.holderId), bot_name: s.displayName }));
  }

  /** A bot's public id from its client id (the floor's holder id); a bot of another process is "elsewhere". */
  private publicId(clientId: string): string {
    return this.byClientId.get(clientId)?.id ?? "elsewhere";
  }

  /**
   * What the manager holds for bots that have not finished: all zero once every bot has. Finished
   * bots themselves stay listed (the last FINISHED_HISTORY) for status queries.
   */
  get held(): { clientIds: number; apiKeys: number; setups: number; releasing: number; memberships: number; groups: number } {
    return {
      clientIds: this.byClientId.size,
      apiKeys: this.apiKeys.size,
      setups: this.setups.size,
      releasing: this.releasing.size,
      memberships: this.memberships.size,
      groups: this.options.groups?.list(undefined).length ?? 0,
    };
  }

  /** False once shutdown began. */
  get acceptingBots(): boolean {
    return !this.shuttingDown;
  }

  get activeCount(): number {
    return this.list().filter((bot) => !bot.isFinal).length;
  }

  /** Whether a webhook carries the token of this bot's webhook URL (compared in constant time). */
  webhookTokenMatches(bot: Bot, token: string | undefined): boolean {
    const expected = this.webhookTokens.get(bot);
    return expected !== undefined && token !== undefined && safeEqual(token, expected);
  }

  /** Makes a bot leave its meeting. Leaving a bot that already left is not an error. */
  async leave(botId: string, tenant?: string): Promise<BotOutcome> {
    const bot = this.get(botId, tenant);
    const saved = bot ? undefined : this.describe(botId, tenant);
    if (saved) return { id: saved.bot_id, status: saved.status };
    if (!bot) throw new AppError("BOT_NOT_FOUND", `No bot with id ${botId.slice(0, 100)}: it was never launched by this server`);
    if (bot.isFinal || bot.status === "leaving") return bot;
    await this.leaveProvider(bot);
    await bot.leave();
    return bot;
  }

  /** Makes every bot leave, waiting at most `timeoutMs`. */
  async shutdown(timeoutMs: number): Promise<{ left: number; pending: number }> {
    this.shuttingDown = true;
    const active = this.list().filter((bot) => !bot.isFinal);
    const all = Promise.allSettled(active.map((bot) => this.leave(bot.id))).then(() => Promise.allSettled([...this.releasing]));
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([all, timeout]);
    const pending = active.filter((bot) => !bot.isFinal).length;
    return { left: active.length - pending, pending };
  }

  private async leaveProvider(bot: Bot): Promise<void> {
    if (!bot.providerBotId) return;
    const provider = this.options.providers.named(bot.settings.providerName) ?? this.options.providers.select(bot.settings.meetingUrl);
    try {
      await provider.leave(bot.providerBotId, this.apiKeys.get(bot));
    } catch (error) {
      // The bot may already be gone on the provider's side; our side still cleans up.
      this.options.logger.warn({ botId: bot.providerBotId, err: errorMessage(error) }, "provider leave failed");
    }
  }

  private persistStatus(bot: Bot): void {
    this.persist(() => this.options.registry?.saveStatus(bot.settings.clientId, bot.status, bot.info().last_error));
  }

  /** A registry write that fails (disk full, file removed) is logged; the bot itself carries on. */
  private persist(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.options.logger.error({ err: errorMessage(error) }, "could not update the bot registry");
    }
  }

  private forget(bot: Bot): void {
    this.persistStatus(bot);
    this.memberships
      .get(bot)
      ?.leave()
      .catch((error: unknown) => this.options.logger.warn({ err: errorMessage(error) }, "could not give back the meeting floor; it frees itself when its lease expires"));
    this.memberships.delete(bot);
    const setup = this.setups.get(bot);
    this.setups.delete(bot);
    if (setup) {
      // close() never rejects; the catch only keeps a broken one from going unnoticed.
      const release: Promise<void> = setup
        .close()
        .catch((error: unknown) => this.options.logger.error({ err: errorMessage(error) }, "could not free a bot's resources"))
        .finally(() => this.releasing.delete(release));
      this.releasing.add(release);
    }
    this.byClientId.delete(bot.settings.clientId);
    this.apiKeys.delete(bot);
    const finished = this.list().filter((candidate) => candidate.isFinal);
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_HISTORY))) this.byId.delete(old.id);
  }
}

/** A provider's refusal keeps its status and reason; anything else is a 502. */
function providerFailure(provider: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ProviderError && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError("PROVIDER_REJECTED", `${provider} rejected the bot: ${error.message}`, {
      status: error.statusCode,
      details: { upstream_status: error.statusCode },
    });
  }
  return new AppError("PROVIDER_UNREACHABLE", `${provider} could not be reached or failed: ${errorMessage(error)}`, { retryable: true });
}

function ownedBy(owner: string | undefined, tenant: string | undefined): boolean {
  return tenant === undefined || owner === tenant;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The group a request puts its bot in: the one it names, or its meeting URL's default. */
function meetingGroupOf(request: BotRequest, providerName: string): string {
  return request.meeting_group ?? defaultMeetingGroup(request.meeting_url, providerName);
}
