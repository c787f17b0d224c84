import type { MessengerPort } from "../outbox/port.js";

/** A running platform connection: it feeds invocations to the core and delivers the outbox. */
export interface PlatformAdapter {
  readonly name: string;
  readonly port: MessengerPort;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True while the platform connection can do its work (reported by /healthz). */
  healthy(): boolean;
}
