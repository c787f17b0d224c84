import type { Button, Field, LinkButton, Reply } from "./types.js";

type Extras = { title?: string; fields?: Field[]; buttons?: Button[]; links?: LinkButton[]; attachment?: Reply["attachment"] };

/** A reply only the person sees. */
export function privateReply(text: string, extras: Extras = {}): Reply {
  return { text, visibility: "private", tone: "info", ...extras };
}

export function successReply(text: string, extras: Extras = {}): Reply {
  return { text, visibility: "private", tone: "success", ...extras };
}

export function errorReply(message: string, usage?: string): Reply {
  return {
    text: usage ? `${message}\nUsage: ${usage}` : message,
    visibility: "private",
    tone: "error",
  };
}

/** A reply for everyone in the channel. */
export function publicReply(text: string, extras: Extras = {}): Reply {
  return { text, visibility: "public", tone: "info", ...extras };
}

/** "1 goal", "3 goals". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
