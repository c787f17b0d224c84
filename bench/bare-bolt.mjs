// The bench's yardstick for command latency: a bare Bolt app on the same HTTPReceiver settings as
// Warmpath's Slack adapter (signature checked, ack first, then respond() to response_url), answering
// every slash command with a constant. Plain JavaScript run by node, as Warmpath runs from dist/.
// Env: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL, SLACK_COMMAND.
import bolt from "@slack/bolt";

const { App, HTTPReceiver, LogLevel } = bolt;
const command = process.env.SLACK_COMMAND ?? "/jobclub";

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  endpoints: "/slack/events",
  customRoutes: [{ path: "/healthz", method: ["GET"], handler: (_req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end("ok") }],
  signatureVerification: true,
  processBeforeResponse: false,
  logLevel: LogLevel.ERROR,
});

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  botId: "BBOT",
  botUserId: "UBOT",
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
  convoStore: false,
});

app.command(command, async ({ ack, respond }) => {
  await ack();
  await respond({ response_type: "ephemeral", replace_original: false, text: "Goals for this week: 1. ⬜ Call three people at Acme" });
});

await app.start({ port: Number(process.env.PORT) });
process.once("SIGTERM", () => void app.stop().then(() => process.exit(0)));
