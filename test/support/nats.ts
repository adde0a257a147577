// Starts a real nats-server with JetStream on a random port for one test file.
import { afterAll, beforeAll } from "vitest";
import { NatsServer } from "../../bus/mod.js";

/** Registers hooks that start a server before the file's tests and stop it after. */
export function useNatsServer(): { readonly server: NatsServer } {
  const holder = {} as { server: NatsServer };
  beforeAll(async () => {
    holder.server = await NatsServer.start();
  });
  afterAll(async () => {
    await holder.server?.[Symbol.asyncDispose]();
  });
  return holder;
}
