/** The pages a person sees while adding Warmpath to Slack: the start, the thank-you, and what went wrong. */

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1d1c1d; line-height: 1.5; }
h1 { font-size: 1.6rem; color: #24483e; }
a.button { display: inline-block; padding: .7rem 1.3rem; border-radius: .4rem; background: #4a154b; color: #fff; font-weight: 600; text-decoration: none; }
a.button:hover { background: #611f64; }
ol { padding-left: 1.2rem; }
code { background: #f4f4f4; padding: .1rem .3rem; border-radius: .2rem; }
.muted { color: #616061; font-size: .9rem; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}

/** `GET /slack/install`: what Warmpath does, and the Add to Slack button (Slack's authorize URL with our state). */
export function installPage(authorizeUrl: string, command: string): string {
  return page(
    "Add Warmpath to Slack",
    `<h1>Warmpath: a job club in your Slack</h1>
<p>Weekly goals, the companies members are aiming for, warm paths through people who work there, and double opt-in introductions.</p>
<p><a class="button" id="add-to-slack" href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>
<p class="muted">Slack asks you to pick a workspace and approve Warmpath's permissions. Afterwards, invite <code>@Warmpath</code> to your club's channel and type <code>${escapeHtml(command)} help</code>.</p>
<p class="muted">This link works for 10 minutes in this browser.</p>`,
  );
}

/** After oauth.v2.access succeeded and the installation is stored. */
export function installedPage(details: { where: string; openUrl: string; command: string; reinstall: boolean; orgWide: boolean }): string {
  const { where, command } = details;
  const next = details.orgWide
    ? `<p>Warmpath is available to the whole org. Each workspace's admins can add it from the org's app management page; every workspace gets a club of its own.</p>`
    : `<ol>
<li>Invite <code>@Warmpath</code> to your job club's channel (<code>/invite @Warmpath</code>).</li>
<li>Type <code>${escapeHtml(command)} join &lt;the role you're looking for&gt;</code>, or <code>${escapeHtml(command)} help</code> for everything.</li>
<li>Organisers: <code>${escapeHtml(command)} config</code> sets the digest channel, schedules and time zone.</li>
</ol>`;
  return page(
    "Warmpath is installed",
    `<h1>${details.reinstall ? "Warmpath is back" : "Warmpath is installed"} in ${escapeHtml(where)}</h1>
${details.reinstall ? "<p>Your club's members, goals, targets and introductions are as you left them.</p>" : ""}
${next}
<p><a class="button" href="${escapeHtml(details.openUrl)}">Open Slack</a></p>`,
  );
}

/** What went wrong on the way back from Slack, in words for the person installing, and the HTTP status. */
export function installFailedPage(reason: "state" | "cancelled" | "slack" | "internal", detail?: string): { status: number; html: string } {
  const again = `<p><a class="button" href="/slack/install">Start again</a></p>`;
  switch (reason) {
    case "state":
      return {
        status: 400,
        html: page(
          "This install link can't be used",
          `<h1>This install link can't be used</h1>
<p>It has expired, was already used, or was opened in a different browser than the one that started the installation. Nothing was installed.</p>
${again}`,
        ),
      };
    case "cancelled":
      return { status: 200, html: page("Installation cancelled", `<h1>Installation cancelled</h1><p>Warmpath was not added to your workspace.</p>${again}`) };
    case "slack":
      return {
        status: 502,
        html: page(
          "Slack didn't complete the installation",
          `<h1>Slack didn't complete the installation</h1>
<p>Slack answered${detail ? ` <code>${escapeHtml(detail)}</code>` : " with an error"}. Nothing was installed; please try again.</p>
${again}`,
        ),
      };
    default:
      return { status: 500, html: page("Something went wrong", `<h1>Something went wrong</h1><p>Warmpath could not finish the installation. Please try again in a moment.</p>${again}`) };
  }
}
