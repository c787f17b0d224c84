import type { ClubRow, ClubStore } from "../db/store/club-store.js";
import { peopleSorts, clubTables, type PeopleRow, type PeopleSort } from "../db/store/stats.js";
import { clubWeeks, MAX_WEEKS, type WeekFigures } from "../core/services/club-weeks.js";
import { formatDay } from "../core/dates.js";
import { helpKinds, targetStages } from "../core/vocabulary.js";
import { barChart, horizontalBars, lineChart, stackedBarChart, type Series } from "./charts.js";
import { html, type SafeHtml } from "./html.js";

/** What a page is built from: the club's store (scoped to it), the club, the time, the query string. */
export interface PageInput {
  store: ClubStore;
  club: ClubRow;
  now: Date;
  query: URLSearchParams;
  /** The session's anti-forgery token, for the forms on the page. */
  csrf: string;
  /** The organiser looking, who can't act on themselves in some ways. */
  viewerId: number;
}

export const WEEK_CHOICES = [12, 26, 52] as const;
export const PEOPLE_PAGE_SIZE = 50;

/** "3 days", "5 weeks": how long ago, in the largest unit that fits. */
export function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (minutes < 1) return "moments";
  if (minutes < 60) return unit(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return unit(hours, "hour");
  const days = Math.floor(hours / 24);
  if (days < 14) return unit(days, "day");
  return unit(Math.floor(days / 7), "week");
}

function when(at: Date | null, now: Date, tz: string): SafeHtml {
  if (!at) return html`<span class="muted">never</span>`;
  return html`<time datetime="${at.toISOString()}" title="${formatDay(at, tz)}">${age(at, now)} ago</time>`;
}

function table(caption: string, head: SafeHtml, rows: SafeHtml[], options: { empty?: string; hiddenCaption?: boolean } = {}): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">${options.empty ?? "Nothing yet."}</p>`;
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0"><table>
<caption${options.hiddenCaption ? html` class="sr-only"` : ""}>${caption}</caption>
<thead>${head}</thead>
<tbody>${rows}</tbody>
</table></div>`;
}

function weeksTable(caption: string, labels: string[], series: Series[]): SafeHtml {
  return html`<details><summary>${caption} as a table</summary>${table(
    caption,
    html`<tr><th scope="col">Week</th>${series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}</tr>`,
    labels.map((week, i) => html`<tr><th scope="row">${week}</th>${series.map((s) => html`<td class="num">${s.values[i] ?? 0}</td>`)}</tr>`),
    { hiddenCaption: true },
  )}</details>`;
}

function legend(series: Series[]): SafeHtml {
  if (series.length < 2) return html``;
  return html`<ul class="legend" aria-hidden="true">${series.map((s, i) => html`<li><span class="swatch s${i}"></span>${s.label}</li>`)}</ul>`;
}

function chartFigure(id: string, title: string, chart: (id: string, title: string, labels: string[], series: Series[], unit: string) => SafeHtml, labels: string[], series: Series[], unit: string): SafeHtml {
  return html`<figure aria-labelledby="${id}-c"><figcaption id="${id}-c">${title}</figcaption>${legend(series)}${chart(id, title, labels, series, unit)}${weeksTable(title, labels, series)}</figure>`;
}

/** How many weeks the page shows: 12 to 52, as asked in `?weeks=` (12 when not asked). */
export function weeksWanted(query: URLSearchParams): number {
  const n = Number(query.get("weeks"));
  return Number.isInteger(n) && n >= 12 && n <= MAX_WEEKS ? n : 12;
}

export async function weeksPage(input: PageInput): Promise<SafeHtml> {
  const n = weeksWanted(input.query);
  const weeks = await clubWeeks(input.store, input.club, input.now, n);
  const labels = weeks.map((w) => w.week);
  const pick = (f: (w: WeekFigures) => number) => weeks.map(f);
  const current = weeks.at(-1)!;
  const thanksTotal = (w: WeekFigures) => Object.values(w.thanks).reduce((a, b) => a + b, 0);
  const choices = html`<nav aria-label="Weeks shown"><ul class="legend">${WEEK_CHOICES.map(
    (c) => html`<li><a href="?weeks=${c}"${c === n ? html` aria-current="page"` : ""}>${c} weeks</a></li>`,
  )}</ul></nav>`;
  const tiles = html`<ul class="tiles" aria-label="This week so far">
<li><span class="n">${current.activeMembers}</span><span class="k">active members</span></li>
<li><span class="n">${current.goals.met} / ${current.goals.set}</span><span class="k">goals met / set</span></li>
<li><span class="n">${current.intros.requested}</span><span class="k">intros requested</span></li>
<li><span class="n">${current.intros.accepted}</span><span class="k">intros accepted</span></li>
<li><span class="n">${current.intros.met}</span><span class="k">meetings reported</span></li>
<li><span class="n">${current.intros.hired}</span><span class="k">hires</span></li>
<li><span class="n">${thanksTotal(current)}</span><span class="k">thanks sent</span></li>
<li><span class="n">${current.newTargetCompanies}</span><span class="k">new target companies</span></li>
<li><span class="n">${current.activities}</span><span class="k">networking logged</span></li>
</ul>`;
  return html`<p class="lead">The club's last ${n} weeks, from ${labels[0]} to ${current.week} (${input.club.timezone}). This week's figures are the weekly digest's, so far.</p>
${choices}
<h2>This week so far · ${current.week}</h2>
${tiles}
<div class="grid-2">
${chartFigure("active", "Active members", barChart, labels, [{ label: "Active members", values: pick((w) => w.activeMembers) }], "Members who did anything")}
${chartFigure("goals", "Goals set and met", barChart, labels, [
  { label: "Set", values: pick((w) => w.goals.set) },
  { label: "Met", values: pick((w) => w.goals.met) },
], "Goals")}
${chartFigure("intros", "Introductions", lineChart, labels, [
  { label: "Requested", values: pick((w) => w.intros.requested) },
  { label: "Accepted", values: pick((w) => w.intros.accepted) },
  { label: "Met", values: pick((w) => w.intros.met) },
  { label: "Hired", values: pick((w) => w.intros.hired) },
], "Introductions")}
${chartFigure("thanks", "Thanks by kind of help", stackedBarChart, labels, [
  ...helpKinds.map((k) => ({ label: k[0]!.toUpperCase() + k.slice(1), values: pick((w) => w.thanks[k]) })),
  { label: "Unspecified", values: pick((w) => w.thanks.none) },
], "Thanks")}
${chartFigure("targets", "New target companies", barChart, labels, [{ label: "New target companies", values: pick((w) => w.newTargetCompanies) }], "Companies first targeted")}
</div>`;
}

/** Most companies the funnel lists; the rest are counted. */
const COMPANY_ROWS = 50;

export async function funnelPage(input: PageInput): Promise<SafeHtml> {
  const stages = await input.store.stats.targetsByStage();
  const companies = await input.store.stats.companies(COMPANY_ROWS);
  const openAsks = await input.store.stats.openAskCount();
  const total = Object.values(stages).reduce((a, b) => a + b, 0);
  const label = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const stageRows = targetStages.map((s) => ({ label: label(s), value: stages[s] }));
  return html`<p class="lead">Where members are with the companies they aim for, and where the club lacks warm paths.</p>
<ul class="tiles">
<li><span class="n">${total}</span><span class="k">targets</span></li>
<li><span class="n">${companies.total}</span><span class="k">companies targeted</span></li>
<li><span class="n">${openAsks}</span><span class="k">open asks (no warm path)</span></li>
<li><span class="n">${stages.interviewing}</span><span class="k">interviewing</span></li>
<li><span class="n">${stages.offer}</span><span class="k">offers</span></li>
</ul>
<h2 id="stages">Targets by stage</h2>
<figure aria-labelledby="stages">${horizontalBars("stages-chart", "Targets by stage", stageRows, "targets")}
${table("Targets by stage", html`<tr><th scope="col">Stage</th><th scope="col" class="num">Targets</th></tr>`, stageRows.map((r) => html`<tr><th scope="row">${r.label}</th><td class="num">${r.value}</td></tr>`), { hiddenCaption: true })}</figure>
<h2 id="companies">Companies: most seekers, fewest paths</h2>
<p class="muted">Seekers are members still looking there (no offer from it, not employed). Warm paths are members with a tie to the company. An open ask has a seeker whom nobody else in the club has a path for: the digest asks the club about these.</p>
${table(
  "Companies by seekers and warm paths",
  html`<tr><th scope="col">Company</th><th scope="col" class="num">Seekers</th><th scope="col" class="num">Warm paths</th><th scope="col" class="num">Seekers without a path</th>${targetStages.map((s) => html`<th scope="col" class="num">${label(s)}</th>`)}</tr>`,
  companies.rows.map(
    (c) => html`<tr><th scope="row">${c.company}${c.unpathed > 0 ? html`<span class="badge open">open ask</span>` : ""}</th><td class="num">${c.seekers}</td><td class="num">${c.paths}</td><td class="num">${c.unpathed}</td>${targetStages.map((s) => html`<td class="num">${c.stages[s]}</td>`)}</tr>`,
  ),
  { empty: "No member has added a target company yet.", hiddenCaption: true },
)}
${companies.total > companies.rows.length ? html`<p class="muted">+${companies.total - companies.rows.length} more companies: download targets.csv for all of them.</p>` : ""}`;
}

const SORT_LABELS: Record<PeopleSort, string> = {
  name: "Name",
  status: "Status",
  "last-active": "Last active",
  "goals-met": "Goals met",
  "intros-given": "Intros given",
  "intros-received": "Intros received",
  joined: "Joined",
};
/** Numbers and dates read best largest or latest first. */
const DESCENDING_FIRST = new Set<PeopleSort>(["last-active", "goals-met", "intros-given", "intros-received", "joined"]);

export function peopleQuery(query: URLSearchParams): { sort: PeopleSort; descending: boolean; page: number } {
  const asked = query.get("sort");
  const sort = (peopleSorts as readonly string[]).includes(asked ?? "") ? (asked as PeopleSort) : "name";
  const dir = query.get("dir");
  const descending = dir === "desc" || (dir !== "asc" && DESCENDING_FIRST.has(sort));
  const page = Math.max(1, Math.min(10_000, Math.floor(Number(query.get("page")) || 1)));
  return { sort, descending, page };
}

function peopleLink(sort: PeopleSort, descending: boolean, page = 1): string {
  return `?sort=${sort}&dir=${descending ? "desc" : "asc"}${page > 1 ? `&page=${page}` : ""}`;
}

function statusCell(row: PeopleRow, tz: string, now: Date): SafeHtml {
  if (row.status !== "paused") return html`${row.status}`;
  if (row.pausedUntil && row.pausedUntil <= now) return html`${row.statusBeforePause ?? "searching"}`;
  return row.pausedUntil ? html`paused until ${formatDay(row.pausedUntil, tz)}` : html`paused`;
}

export async function peoplePage(input: PageInput): Promise<SafeHtml> {
  const { sort, descending, page } = peopleQuery(input.query);
  const { total, rows } = await input.store.stats.people({ sort, descending, offset: (page - 1) * PEOPLE_PAGE_SIZE, limit: PEOPLE_PAGE_SIZE });
  const tz = input.club.timezone;
  const pages = Math.max(1, Math.ceil(total / PEOPLE_PAGE_SIZE));
  const header = (s: PeopleSort, numeric = false) => {
    const active = s === sort;
    const next = active ? !descending : DESCENDING_FIRST.has(s);
    const ariaSort = active ? (descending ? "descending" : "ascending") : undefined;
    return html`<th scope="col"${numeric ? html` class="num"` : ""}${ariaSort ? html` aria-sort="${ariaSort}"` : ""}><a href="${peopleLink(s, next)}">${SORT_LABELS[s]}${active ? (descending ? " ▼" : " ▲") : ""}<span class="sr-only">${active ? "" : ", sort"}</span></a></th>`;
  };
  const hidden = (member: number, action: string) =>
    html`<input type="hidden" name="csrf" value="${input.csrf}"><input type="hidden" name="member" value="${member}"><input type="hidden" name="action" value="${action}"><input type="hidden" name="sort" value="${sort}"><input type="hidden" name="dir" value="${descending ? "desc" : "asc"}"><input type="hidden" name="page" value="${page}">`;
  const actions = (row: PeopleRow) => {
    const paused = row.status === "paused" && !(row.pausedUntil && row.pausedUntil <= input.now);
    const pause = paused
      ? html`<form method="post">${hidden(row.id, "resume")}<button type="submit">Resume<span class="sr-only"> ${row.name}</span></button></form>`
      : html`<form method="post">${hidden(row.id, "pause")}<label for="until-${row.id}">Pause until</label><input type="date" id="until-${row.id}" name="until" aria-describedby="until-hint"><button type="submit">Pause<span class="sr-only"> ${row.name}</span></button></form>`;
    const organise = row.organiser
      ? html`<form method="post">${hidden(row.id, "unorganise")}<button type="submit">Stop organising<span class="sr-only">: ${row.name}</span></button></form>`
      : html`<form method="post">${hidden(row.id, "organise")}<button type="submit">Make organiser<span class="sr-only">: ${row.name}</span></button></form>`;
    const remove = html`<form method="post">${hidden(row.id, "remove")}<button type="submit" class="danger">Remove<span class="sr-only"> ${row.name}</span>…</button></form>`;
    return html`<details class="manage"><summary>Manage<span class="sr-only"> ${row.name}</span></summary>${pause}${organise}${row.id === input.viewerId ? "" : remove}</details>`;
  };
  const body = rows.map(
    (row) => html`<tr>
<th scope="row">${row.name}${row.organiser ? html`<span class="badge">organiser</span>` : ""}</th>
<td>${row.headline ?? html`<span class="muted">—</span>`}</td>
<td>${statusCell(row, tz, input.now)}</td>
<td class="nowrap">${when(row.lastActiveAt, input.now, tz)}</td>
<td class="num">${row.goalsMet}</td>
<td class="num">${row.introsGiven}</td>
<td class="num">${row.introsReceived}</td>
<td class="nowrap">${formatDay(row.joinedAt, tz)}</td>
<td>${actions(row)}</td>
</tr>`,
  );
  const pager =
    pages > 1
      ? html`<nav class="pager" aria-label="Pages of members">${page > 1 ? html`<a href="${peopleLink(sort, descending, page - 1)}" rel="prev">Previous</a>` : ""}<span>Page ${page} of ${pages}</span>${page < pages ? html`<a href="${peopleLink(sort, descending, page + 1)}" rel="next">Next</a>` : ""}</nav>`
      : html``;
  return html`<p class="lead">${total} member${total === 1 ? "" : "s"}. Sort by any column.</p>
<p class="muted" id="until-hint">Pausing stops a member's prompts and match suggestions, and suggesting them as a helper, until the date (or until resumed when there is none). Removing deletes everything about them, as <code>forget-me</code> does.</p>
${table(
  "Members",
  html`<tr>${header("name")}<th scope="col">Headline</th>${header("status")}${header("last-active")}${header("goals-met", true)}${header("intros-given", true)}${header("intros-received", true)}${header("joined")}<th scope="col">Actions</th></tr>`,
  body,
  { empty: "Nobody has joined yet.", hiddenCaption: true },
)}
${pager}`;
}

export function confirmRemovalPage(input: Pick<PageInput, "csrf">, member: { id: number; name: string }, back: string): SafeHtml {
  return html`<p>Remove <strong>${member.name}</strong> from the club? Everything Warmpath holds about them is deleted for good: profile, goals, targets, network, introductions, activity, wins and thanks. They can come back only by typing <code>join</code> again.</p>
<div class="actions">
<form method="post"><input type="hidden" name="csrf" value="${input.csrf}"><input type="hidden" name="member" value="${member.id}"><input type="hidden" name="action" value="remove"><input type="hidden" name="confirm" value="yes"><button type="submit" class="danger">Remove ${member.name}</button></form>
<a class="button" href="${back}">Cancel</a>
</div>`;
}

export async function introsPage(input: PageInput): Promise<SafeHtml> {
  const open = await input.store.stats.openIntros(100);
  const totals = await input.store.stats.introTotals();
  const recent = await input.store.stats.recentOutcomes(25);
  const tz = input.club.timezone;
  const requested = open.rows.filter((r) => r.status === "requested");
  const accepted = open.rows.filter((r) => r.status === "accepted");
  const answered = (totals.byStatus.accepted ?? 0) + (totals.byStatus.declined ?? 0) + (totals.byStatus.expired ?? 0);
  const rate = answered ? `${Math.round(((totals.byStatus.accepted ?? 0) / answered) * 100)}%` : "—";
  const head = (last: string) => html`<tr><th scope="col">#</th><th scope="col">Requester</th><th scope="col">Helper</th><th scope="col">Company</th><th scope="col">Kind</th><th scope="col">${last}</th></tr>`;
  return html`<p class="lead">Introductions waiting on someone, and how the club's introductions turned out.</p>
<ul class="tiles">
<li><span class="n">${requested.length}</span><span class="k">waiting on a helper</span></li>
<li><span class="n">${accepted.length}</span><span class="k">waiting for a report</span></li>
<li><span class="n">${totals.total}</span><span class="k">introductions in all</span></li>
<li><span class="n">${rate}</span><span class="k">accepted, of those answered</span></li>
<li><span class="n">${(totals.byOutcome.met ?? 0) + (totals.byOutcome.hired ?? 0)}</span><span class="k">met</span></li>
<li><span class="n">${totals.byOutcome.hired ?? 0}</span><span class="k">hires</span></li>
</ul>
<h2 id="open">Waiting on the helper</h2>
${table(
  "Requests waiting on the helper's answer, oldest first",
  head("Asked"),
  requested.map(
    (r) => html`<tr><td>${r.number}</td><td>${r.requester}</td><td><strong>${r.helper}</strong>${r.remindedAt ? html`<span class="badge">reminded</span>` : ""}</td><td>${r.company}</td><td>${r.kind}</td><td>${age(r.requestedAt, input.now)} ago</td></tr>`,
  ),
  { empty: "No request is waiting for an answer." },
)}
<h2 id="accepted">Accepted, waiting to hear how it went</h2>
${table(
  "Accepted introductions nobody has reported on yet, oldest first",
  head("Accepted"),
  accepted.map(
    (r) => html`<tr><td>${r.number}</td><td>${r.requester}</td><td>${r.helper}</td><td>${r.company}</td><td>${r.kind}</td><td>${r.respondedAt ? html`${age(r.respondedAt, input.now)} ago` : "—"}${r.outcome === "not-yet" ? html`<span class="badge">not yet</span>` : ""}</td></tr>`,
  ),
  { empty: "Every accepted introduction has a report." },
)}
${open.total > open.rows.length ? html`<p class="muted">+${open.total - open.rows.length} more open introductions: download intros.csv for all of them.</p>` : ""}
<h2 id="outcomes">Outcomes</h2>
${table(
  "Introductions by status and outcome",
  html`<tr><th scope="col">Status or outcome</th><th scope="col" class="num">Introductions</th></tr>`,
  [
    ...(["requested", "accepted", "declined", "expired", "withdrawn"] as const).map((s) => html`<tr><th scope="row">${s}</th><td class="num">${totals.byStatus[s] ?? 0}</td></tr>`),
    ...(["not-yet", "met", "no-show", "hired"] as const).map((o) => html`<tr><th scope="row">reported ${o}</th><td class="num">${totals.byOutcome[o] ?? 0}</td></tr>`),
  ],
)}
<h2 id="recent">Latest reports</h2>
${table(
  "Latest reported outcomes, newest first",
  html`<tr><th scope="col">#</th><th scope="col">Requester</th><th scope="col">Helper</th><th scope="col">Company</th><th scope="col">Outcome</th><th scope="col">Reported</th></tr>`,
  recent.map((r) => html`<tr><td>${r.number}</td><td>${r.requester}</td><td>${r.helper}</td><td>${r.company}</td><td>${r.outcome}</td><td>${when(r.outcomeAt, input.now, tz)}</td></tr>`),
  { empty: "No outcome reported yet." },
)}`;
}

const TABLE_NOTES: Record<(typeof clubTables)[number], string> = {
  members: "name, headline, status, joined, last active, organiser",
  goals: "each goal with its member and week, done or not",
  targets: "each member's target companies and stage",
  ties: "each member's network: companies where they work, worked or know someone",
  intros: "every introduction: requester, helper, company, kind, status, outcome and dates",
  thanks: "who thanked whom, for which kind of help",
};

export function downloadPage(input: Pick<PageInput, "club">): SafeHtml {
  return html`<p class="lead">The club's data as CSV, one file per table, with the name of each member and company beside its id. Messages between two members (an intro's ask, a decline's reason, a thank-you's note) and members' private settings are not included.</p>
<ul class="downloads">${clubTables.map(
    (t) => html`<li><a href="/dashboard/${input.club.id}/download/${t}.csv" download>${t}.csv</a> <span class="muted">— ${TABLE_NOTES[t]}</span></li>`,
  )}</ul>`;
}
