import { z } from "zod";
import { parseMention } from "./mentions.js";
import { normalizeCompanyName } from "./company-name.js";
import type { Token } from "./tokenize.js";
import { closest } from "./suggest.js";

/**
 * How one argument is read from typed text and shown to platforms with typed options (Discord).
 * - word: one token; int: one whole number; choice: one of `choices`;
 * - text: the rest of the line (several words); mention: a member;
 * - position "end": read from the end of the line, after the text (`target add <company> [stage]`).
 */
export interface ArgMeta {
  kind: "word" | "int" | "choice" | "text" | "mention";
  label: string;
  required: boolean;
  position: "front" | "end";
  choices?: readonly string[];
  maxLength?: number;
  /** Discord offers completions from the club's companies. */
  autocomplete?: "company";
}

declare module "zod" {
  interface GlobalMeta {
    arg?: ArgMeta;
  }
}

type Common = { description: string; label?: string; position?: "front" | "end" };

function finish<T extends z.ZodType>(schema: T, optional: boolean, meta: ArgMeta, description: string) {
  const outer = optional ? schema.optional() : schema;
  return outer.meta({ description, arg: meta });
}

/** Builders for command arguments: each is a zod schema carrying how to read it. */
export const arg = {
  text<O extends boolean = false>(
    opts: Common & { max: number; optional?: O; autocomplete?: "company" },
  ) {
    const schema = z
      .string()
      .trim()
      .min(1, { error: "can't be empty" })
      .max(opts.max, { error: `is too long (at most ${opts.max} characters)` });
    return finish(
      schema,
      opts.optional ?? false,
      { kind: "text", label: opts.label ?? "text", required: !opts.optional, position: "front", maxLength: opts.max, ...(opts.autocomplete ? { autocomplete: opts.autocomplete } : {}) },
      opts.description,
    ) as O extends true ? z.ZodOptional<typeof schema> : typeof schema;
  },

  /** A company name: text of at most 100 characters that has letters or digits to match on. */
  company(opts: Partial<Common> = {}) {
    const schema = z
      .string()
      .trim()
      .min(1, { error: "can't be empty" })
      .max(100, { error: "is too long (at most 100 characters)" })
      .refine((v) => normalizeCompanyName(v) !== "", { error: "needs letters or digits" });
    return finish(
      schema,
      false,
      { kind: "text", label: opts.label ?? "company", required: true, position: "front", maxLength: 100, autocomplete: "company" },
      opts.description ?? "Company name",
    ) as typeof schema;
  },

  word<O extends boolean = false>(opts: Common & { max: number; optional?: O }) {
    const schema = z.string().trim().min(1).max(opts.max, { error: `is too long (at most ${opts.max} characters)` });
    return finish(
      schema,
      opts.optional ?? false,
      { kind: "word", label: opts.label ?? "value", required: !opts.optional, position: opts.position ?? "front", maxLength: opts.max },
      opts.description,
    ) as O extends true ? z.ZodOptional<typeof schema> : typeof schema;
  },

  int<O extends boolean = false>(opts: Common & { min: number; max: number; optional?: O }) {
    const schema = z.preprocess(
      // "#12" names intro 12; "-3" and "1.5" are numbers too, so the answer is about the bounds, not the form.
      (v) => (typeof v === "string" && /^(?:#\d+|[-+]?\d+(?:\.\d+)?)$/.test(v.trim()) ? Number(v.trim().replace("#", "")) : v),
      z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }).min(opts.min, { error: `must be at least ${opts.min}` }).max(opts.max, { error: `must be at most ${opts.max}` }),
    );
    return finish(
      schema,
      opts.optional ?? false,
      { kind: "int", label: opts.label ?? "number", required: !opts.optional, position: opts.position ?? "front" },
      opts.description,
    ) as O extends true ? z.ZodOptional<typeof schema> : typeof schema;
  },

  choice<const C extends readonly [string, ...string[]], O extends boolean = false>(
    choices: C,
    opts: Common & { optional?: O },
  ) {
    const schema = z.preprocess(
      (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
      z.enum(choices, {
        error: (issue) => {
          const meant = typeof issue.input === "string" ? closest(issue.input, choices) : undefined;
          return `must be one of: ${choices.join(", ")}${meant ? ` (did you mean ${meant}?)` : ""}`;
        },
      }),
    );
    return finish(
      schema,
      opts.optional ?? false,
      { kind: "choice", label: opts.label ?? "choice", required: !opts.optional, position: opts.position ?? "front", choices },
      opts.description,
    ) as O extends true ? z.ZodOptional<typeof schema> : typeof schema;
  },

  mention<O extends boolean = false>(opts: Common & { optional?: O }) {
    const schema = z.string().transform((value, ctx) => {
      const id = parseMention(value);
      if (!id) {
        ctx.addIssue({ code: "custom", message: "must be a member mention, like @name" });
        return z.NEVER;
      }
      return id;
    });
    return finish(
      schema,
      opts.optional ?? false,
      { kind: "mention", label: opts.label ?? "member", required: !opts.optional, position: "front" },
      opts.description,
    ) as O extends true ? z.ZodOptional<typeof schema> : typeof schema;
  },
};

export interface ArgField {
  name: string;
  meta: ArgMeta;
  description: string;
}

/** The arguments of a command schema, in declared order. */
export function argFields(schema: z.ZodObject): ArgField[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const meta = (field as z.ZodType).meta();
    if (!meta?.arg) throw new Error(`argument ${name} was not built with arg.*`);
    return { name, meta: meta.arg, description: meta.description ?? name };
  });
}

function matchesChoice(token: Token, meta: ArgMeta): boolean {
  return !token.quoted && (meta.choices ?? []).includes(token.value.toLowerCase());
}

/**
 * Reads typed words into raw argument values, by the declared grammar: front arguments left to
 * right, end arguments right to left, text arguments take what is left. Two text arguments in a row
 * split at the first ":" (`intro @bob Acme Corp: could you ...`). Validation is left to zod.
 */
export function readTextArgs(fields: ArgField[], tokens: Token[]): Record<string, string | undefined> {
  const raw: Record<string, string | undefined> = {};
  const rest = [...tokens];
  const front = fields.filter((f) => f.meta.kind !== "text" && f.meta.position === "front");
  const end = fields.filter((f) => f.meta.kind !== "text" && f.meta.position === "end").reverse();
  const texts = fields.filter((f) => f.meta.kind === "text");
  const textRequired = texts.some((f) => f.meta.required);

  for (const field of front) {
    const next = rest[0];
    if (!next) break;
    if (!field.meta.required && field.meta.kind === "choice" && !matchesChoice(next, field.meta)) continue;
    if (!field.meta.required && field.meta.kind === "mention" && !next.value.startsWith("@") && !next.value.startsWith("<@")) continue;
    raw[field.name] = rest.shift()!.value;
  }
  for (const field of end) {
    const last = rest[rest.length - 1];
    if (!last) break;
    // Never eat the only word a required text needs: `target add Offer` names a company.
    if (textRequired && rest.length === 1) break;
    if (!field.meta.required && field.meta.kind === "choice" && !matchesChoice(last, field.meta)) continue;
    raw[field.name] = rest.pop()!.value;
  }
  if (texts.length === 0) {
    if (rest.length > 0) raw.__extra = rest.map((t) => t.value).join(" ");
    return raw;
  }
  const joined = rest.map((t) => (t.quoted && rest.length > 1 ? `"${t.value}"` : t.value)).join(" ");
  if (texts.length === 1) {
    raw[texts[0]!.name] = rest.length === 1 ? rest[0]!.value : joined || undefined;
    return raw;
  }
  // Two texts: a quoted first phrase, else split at the first colon.
  const [first, second] = texts as [ArgField, ArgField];
  if (rest[0]?.quoted) {
    raw[first.name] = rest[0].value;
    const remaining = rest.slice(1).map((t) => t.value).join(" ").replace(/^:\s*/, "");
    raw[second.name] = remaining || undefined;
    return raw;
  }
  const colon = joined.indexOf(":");
  if (colon === -1) {
    raw[first.name] = joined || undefined;
  } else {
    raw[first.name] = joined.slice(0, colon).trim() || undefined;
    raw[second.name] = joined.slice(colon + 1).trim() || undefined;
  }
  return raw;
}

/** Human sentences for zod issues, naming the argument: "company is too long (at most 100 characters)". */
export function describeIssues(error: z.ZodError, fields: ArgField[], raw: Record<string, unknown>): string {
  const labels = new Map(fields.map((f) => [f.name, f.meta.label]));
  const lines = error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const label = labels.get(key) ?? key;
    if (raw[key] === undefined || raw[key] === "") return `${label} is missing`;
    if (issue.code === "too_small" && issue.origin === "string") return `${label} can't be empty`;
    return `${label} ${issue.message}`;
  });
  return [...new Set(lines)].join("; ");
}
