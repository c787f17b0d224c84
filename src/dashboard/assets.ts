import { createHash } from "node:crypto";

/**
 * The dashboard's only files besides its pages: one stylesheet and the few lines that send the
 * sign-in form by themselves. Served from /dashboard/assets/ under a name holding their hash, so a
 * browser may keep them for good and a new version is a new name; CSP allows nothing inline.
 */
const CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de; --accent: #0a58ca; --accent-fg: #ffffff; --danger: #b42318; --ok: #116329; --warn-bg: #fff8c5;
  --s0: #0072b2; --s1: #e69f00; --s2: #009e73; --s3: #cc79a7; --s4: #56b4e9; --s5: #d55e00; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --panel: #161b22; --line: #30363d; --accent: #4493f8; --accent-fg: #0d1117; --danger: #ff7b72; --ok: #3fb950; --warn-bg: #3b2e00; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible, [tabindex]:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: var(--accent-fg); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
header.top { border-bottom: 1px solid var(--line); background: var(--panel); }
.bar-inner, main { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
.bar-inner { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding-top: .6rem; padding-bottom: .6rem; }
.brand { font-weight: 700; margin-right: auto; }
.brand small { display: block; font-weight: 400; color: var(--muted); }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
nav a { display: block; padding: .4rem .7rem; border-radius: 6px; text-decoration: none; color: var(--fg); }
nav a[aria-current="page"] { background: var(--accent); color: var(--accent-fg); }
nav a:hover { text-decoration: underline; }
main { padding-top: 1.25rem; padding-bottom: 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
p.lead { color: var(--muted); margin-top: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .75rem; margin: 1rem 0; padding: 0; list-style: none; }
.tiles li { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.tiles .n { display: block; font-size: 1.7rem; font-weight: 700; }
.tiles .k { color: var(--muted); font-size: .9rem; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr)); gap: 1rem 2.5rem; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart.rows { max-width: 44rem; }
svg.chart .grid line { stroke: var(--line); stroke-width: 1; }
svg.chart text { fill: var(--muted); font-size: 13px; }
svg.chart text.label, svg.chart text.value { fill: var(--fg); font-size: 14px; }
svg.chart .line { fill: none; stroke-width: 2.5; }
${[0, 1, 2, 3, 4, 5].map((i) => `.s${i} { fill: var(--s${i}); stroke: var(--s${i}); } svg.chart rect.s${i} { stroke: none; } .swatch.s${i} { background: var(--s${i}); }`).join("\n")}
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: .25rem 0; font-size: .9rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; }
details { margin: .25rem 0 1rem; }
summary { cursor: pointer; color: var(--accent); }
/* Positioned, so the visually hidden labels inside scroll with the table instead of widening the page. */
.table-wrap { position: relative; overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .5rem .75rem; }
th, td { text-align: left; padding: .45rem .75rem; border-top: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--panel); border-top: none; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th a { color: inherit; }
tbody tr:nth-child(even) { background: color-mix(in srgb, var(--panel) 60%, transparent); }
.muted { color: var(--muted); }
.badge { display: inline-block; font-size: .75rem; padding: 0 .45rem; border-radius: 999px; border: 1px solid var(--line); margin-left: .35rem; white-space: nowrap; }
.badge.open { background: var(--warn-bg); }
form.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; }
.actions label { font-size: .85rem; }
button, .button { font: inherit; font-size: .9rem; padding: .3rem .7rem; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; text-decoration: none; display: inline-block; }
button.primary, .button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
button.danger { color: var(--danger); border-color: var(--danger); }
input[type="date"], select { font: inherit; font-size: .9rem; padding: .2rem .3rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.notice { border: 1px solid var(--line); border-left: 4px solid var(--ok); background: var(--panel); padding: .6rem .9rem; border-radius: 6px; margin: 1rem 0; }
.notice.error { border-left-color: var(--danger); }
.card { max-width: 34rem; margin: 3rem auto; padding: 1.5rem; border: 1px solid var(--line); border-radius: 10px; background: var(--panel); }
.pager { display: flex; gap: 1rem; align-items: center; }
.downloads li { margin: .4rem 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
td.nowrap { white-space: nowrap; }
details.manage summary { white-space: nowrap; }
details.manage[open] { min-width: 15rem; }
details.manage form { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin: .4rem 0; }
@media (max-width: 40rem) {
  body { font-size: 15px; } h1 { font-size: 1.35rem; } h2 { margin-top: 1.5rem; } th, td { padding: .4rem .5rem; }
  nav a { padding: .3rem .45rem; } .brand { flex-basis: 100%; }
  .grid-2 { grid-template-columns: 1fr; }
  .tiles { grid-template-columns: repeat(3, 1fr); gap: .4rem; }
  .tiles li { padding: .4rem .5rem; } .tiles .n { font-size: 1.25rem; } .tiles .k { font-size: .75rem; line-height: 1.2; display: block; }
  svg.chart text { font-size: 15px; }
}
`;

/** Sends the sign-in form as soon as the page is ready: the link is used by a person's browser, never by a link preview. */
const SIGN_IN_JS = `document.addEventListener("DOMContentLoaded", function () { var f = document.getElementById("sign-in"); if (f) f.submit(); });\n`;

function asset(name: string, ext: string, body: string, type: string) {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/dashboard/assets/${name}.${hash}.${ext}`, body, type };
}

export const ASSETS = {
  css: asset("dashboard", "css", CSS, "text/css; charset=utf-8"),
  signInJs: asset("sign-in", "js", SIGN_IN_JS, "text/javascript; charset=utf-8"),
};
