/**
 * @module server/tunnel
 * Opens one ngrok tunnel to the server with the official `@ngrok/ngrok` package, so meeting
 * providers on the internet can dial our WebSocket. One tunnel serves every bot, since they all
 * live in this one server. Without a token it explains what works without one.
 */
import type { AddressInfo } from "node:net";
import { errorMessage } from "../core/errors.js";
import type { Logger } from "../logger.js";

export interface Tunnel {
  url: string;
  close(): Promise<void>;
}

export const NO_TOKEN_MESSAGE =
  "No NGROK_AUTHTOKEN: real meeting providers (MeetingBaas) cannot reach a server on localhost. Set NGROK_AUTHTOKEN or BASE_URL to a public address; the built-in meeting room at /meet/<room> works without either.";

export async function openTunnel(address: string | AddressInfo | null, token: string | undefined, logger: Logger): Promise<Tunnel | null> {
  if (!token) {
    logger.warn(NO_TOKEN_MESSAGE);
    return null;
  }
  const port = typeof address === "object" && address ? address.port : Number(address);
  try {
    const ngrok = await import("@ngrok/ngrok");
    const listener = await ngrok.forward({ addr: port, authtoken: token });
    const url = listener.url();
    if (!url) throw new Error("ngrok returned no public URL");
    logger.info({ url }, "tunnel open: meeting providers will dial this address");
    return { url, close: () => listener.close() };
  } catch (error) {
    logger.error({ err: errorMessage(error) }, "could not open the ngrok tunnel; continuing without one");
    return null;
  }
}
