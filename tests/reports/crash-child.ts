// A server process for the restart test: queues the due digest with the given clock
// and starts sending it; the test kills it (SIGKILL) while the SMTP server holds DATA.
import { openHarness } from "./harness";

const [dataDir, smtpUrl, now, funnelId] = process.argv.slice(2);
const h = openHarness(dataDir, smtpUrl, Number(now), { funnelId });
console.log(`queued ${h.tick()}`);
await new Promise(() => {});
