import type { Platform } from "../types.js";

/** Platforms as people write them. */
export const PLATFORM_NAMES: Record<Platform, string> = { slack: "Slack", discord: "Discord", console: "the console" };
