import { ASSETS } from "./assets.js";
import { html, type SafeHtml } from "./html.js";

export const PAGES = [
  { name: "weeks", label: "Weeks" },
  { name: "funnel", label: "Funnel" },
  { name: "people", label: "People" },
  { name: "intros", label: "Intros" },
  { name: "download", label: "Download" },
] as const;
export type PageName = (typeof PAGES)[number]["name"];

/** Who is looking at which club's page: the frame every signed-in page shares. */
export interface Chrome {
  clubId: number;
  clubName: string;
  viewer: string;
  /** The session's anti-forgery token, for every form that changes something. */
  csrf: string;
  current: PageName;
  flash?: { text: string; tone: "ok" | "error" };
}

function document(title: string, body: SafeHtml, head: SafeHtml = html``): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<link rel="stylesheet" href="${ASSETS.css.path}">
${head}
</head>
<body>
${body}
</body>
</html>`.value}\n`;
}

/** A signed-in page: skip link, the club and its pages, sign-out, then the page itself. */
export function signedInPage(chrome: Chrome, heading: string, body: SafeHtml): string {
  const base = `/dashboard/${chrome.clubId}`;
  const label = PAGES.find((p) => p.name === chrome.current)?.label ?? heading;
  return document(
    `${label} · ${chrome.clubName} · Warmpath`,
    html`<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="bar-inner">
<div class="brand">${chrome.clubName}<small>Warmpath dashboard · signed in as ${chrome.viewer}</small></div>
<nav aria-label="Dashboard"><ul>${PAGES.map(
      (p) => html`<li><a href="${base}/${p.name}"${p.name === chrome.current ? html` aria-current="page"` : ""}>${p.label}</a></li>`,
    )}</ul></nav>
<form method="post" action="${base}/sign-out" class="inline"><input type="hidden" name="csrf" value="${chrome.csrf}"><button type="submit">Sign out</button></form>
</div></header>
<main id="main" tabindex="-1">
<h1>${heading}</h1>
${chrome.flash ? html`<p class="notice${chrome.flash.tone === "error" ? " error" : ""}" role="status">${chrome.flash.text}</p>` : ""}
${body}
</main>`,
  );
}

/** A page outside a session: sign-in, signed out, refused. */
export function plainPage(title: string, body: SafeHtml, options: { script?: string } = {}): string {
  return document(
    `${title} · Warmpath`,
    html`<main id="main" class="card">
<h1>${title}</h1>
${body}
</main>`,
    options.script ? html`<script src="${options.script}" defer></script>` : html``,
  );
}
