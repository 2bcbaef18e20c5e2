// Chromium's own installability verdict for a page (DevTools Protocol
// Page.getInstallabilityErrors: an empty list means installable), after its
// service worker has taken control. Usage: node installable.mjs URL
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const url = process.argv[2];
const profile = mkdtempSync(join(tmpdir(), "stipple-install-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage"],
});
try {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  const manifest = await cdp.send("Page.getAppManifest");
  console.log(JSON.stringify({ installabilityErrors, manifestErrors: manifest.errors || [] }));
} finally {
  await context.close();
}
