import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { expect, it } from "vitest";
import { OpenSockets } from "./open-sockets.js";

it("cuts off a connection that stays open past the grace period, so closing the server finishes", async () => {
  const server = createServer();
  // The upgraded socket is left alone, as a peer that never answers the close handshake would leave it.
  const upgraded = new Promise((resolve) => server.on("upgrade", resolve));
  const sockets = new OpenSockets(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const peer = connect(port, "127.0.0.1");
  const peerClosed = new Promise((resolve) => peer.once("close", resolve));
  peer.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
  peer.on("error", () => undefined);
  await upgraded;
  server.closeAllConnections();
  let closed = false;
  const closing = new Promise<void>((resolve) => server.close(() => resolve())).then(() => {
    closed = true;
  });
  // On its own the server never finishes closing: the upgraded socket is not one of its HTTP connections.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(closed).toBe(false);
  await sockets.closeWithin(10, () => closing);
  expect(closed).toBe(true);
  await peerClosed;
});
