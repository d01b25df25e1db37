// Reports and moderation as people meet them (issue 15 point 5): a viewer reports a demo film with
// a reason, the market's guardian (the local platform's account #2, GUARDIAN_ROLE on-chain) finds
// it on /moderation from the account page's link and hides it with a public reason; the catalogue
// and search no longer list it and its page explains why. A wallet without the role gets a 403
// page. The film is unhidden at the end (and in `after` if a step failed), so other files keep
// their catalogue.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { LocalAccount } from "viem";
import { DEMO_ACCOUNTS, account } from "@ai-films/core/platform";
import { sessionCookieFor } from "../helpers/siweSession.ts";
import { ARTIFACTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";

/** A demo film no other browser test names (core/src/platform/demo.ts). */
const FILM_TITLE = "Rule 110";
const REASON = "Re-upload of another creator's film (browser test)";
const WAIT = 90_000;

describe("Reports and moderation in a real browser", function () {
  this.timeout(10 * 60_000);
  let e2e: E2E;
  let viewerContext: BrowserContext;
  let guardianContext: BrowserContext;
  let viewer: Page;
  let guardian: Page;
  let guardianCookie = "";
  let filmId = "";

  /** A browser context signed in as `who` (the SIWE session cookie the wallet button would get). */
  async function signedInContext(who: LocalAccount): Promise<{ context: BrowserContext; cookie: string }> {
    const cookie = await sessionCookieFor(e2e.baseUrl, who);
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name, value: value.join("="), url: e2e.baseUrl }]);
    return { context, cookie };
  }

  const listedIds = (page: Page) => page.getByTestId("film-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-film-id")));

  before(async function () {
    // The first browser file of a run may build the web app: on a loaded machine that alone can take ten minutes.
    this.timeout(30 * 60_000);
    e2e = await e2ePlatform();
    ({ context: viewerContext } = await signedInContext(privateKeyToAccount(generatePrivateKey())));
    ({ context: guardianContext, cookie: guardianCookie } = await signedInContext(account(DEMO_ACCOUNTS.guardian)));
    viewer = await viewerContext.newPage();
    guardian = await guardianContext.newPage();
    tracePage(viewer, "moderation-viewer");
    tracePage(guardian, "moderation-guardian");
  });

  after(async () => {
    // Leave the demo film listed whatever happened above.
    if (filmId && guardianCookie) {
      await fetch(`${e2e.baseUrl}/api/moderation`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: guardianCookie },
        body: JSON.stringify({ filmId, action: "unhide", reason: "Restored after the browser test" }),
      }).catch(() => undefined);
    }
    await viewerContext?.close();
    await guardianContext?.close();
  });

  it("lets a signed-in viewer report a film with a reason from the list", async () => {
    await viewer.goto(`${e2e.baseUrl}/?q=${encodeURIComponent(FILM_TITLE)}`);
    const card = viewer.getByTestId("film-card").filter({ hasText: FILM_TITLE }).first();
    await card.waitFor({ timeout: WAIT });
    filmId = (await card.getAttribute("data-film-id")) ?? "";
    expect(filmId).to.match(/^\d+$/);

    await viewer.goto(`${e2e.baseUrl}/films/${filmId}`);
    await viewer.getByTestId("report-open").click();
    const form = viewer.getByRole("form", { name: "Report this film" });
    await form.getByLabel("Reason").selectOption("copyright");
    await form.getByLabel("Details (optional)").fill("This is my film, uploaded by someone else.");
    await form.getByRole("button", { name: "Send report" }).click();
    await viewer.getByTestId("report-done").filter({ hasText: "your report was sent" }).waitFor({ timeout: WAIT });
    // Reloaded, the page remembers the open report instead of offering the form again.
    await viewer.reload();
    await viewer.getByTestId("report-done").filter({ hasText: "You have reported this film" }).waitFor({ timeout: WAIT });
  });

  it("refuses /moderation to a wallet without the guardian role with a 403 page", async () => {
    const response = await viewer.goto(`${e2e.baseUrl}/moderation`);
    expect(response?.status()).to.equal(403);
    await viewer.getByTestId("forbidden").waitFor({ timeout: WAIT });
    expect(await viewer.getByTestId("moderation-page").count()).to.equal(0);
  });

  it("shows the report to the guardian on /moderation, who hides the film with a public reason", async () => {
    await guardian.goto(`${e2e.baseUrl}/account`);
    await guardian.getByTestId("moderation-link").click();
    await guardian.waitForURL(/\/moderation$/, { timeout: WAIT });
    const reported = guardian.locator(`[data-testid="reported-film"][data-film-id="${filmId}"]`);
    await reported.waitFor({ timeout: WAIT });
    expect(Number(await reported.getAttribute("data-count"))).to.be.at.least(1);
    await reported.locator('[data-testid="report-reason-count"][data-reason="copyright"]').waitFor();
    expect(await reported.innerText()).to.include("This is my film, uploaded by someone else.");

    await reported.getByLabel("Public reason").fill(REASON);
    await reported.getByRole("button", { name: "Hide film" }).click();
    await guardian.locator(`[data-testid="hidden-film"][data-film-id="${filmId}"]`).waitFor({ timeout: WAIT });
    await guardian.screenshot({ path: path.join(ARTIFACTS, "moderation.png"), fullPage: true });
    const log = guardian.getByTestId("moderation-log").locator(`li[data-film-id="${filmId}"][data-action="hide"]`).first();
    expect(await log.innerText()).to.include(REASON);
  });

  it("takes the hidden film out of the catalogue and search; its page shows the public reason", async () => {
    await viewer.goto(e2e.baseUrl);
    await viewer.getByTestId("film-card").first().waitFor({ timeout: WAIT });
    expect(await listedIds(viewer)).to.not.include(filmId);
    await viewer.goto(`${e2e.baseUrl}/?q=${encodeURIComponent(FILM_TITLE)}`);
    expect(await listedIds(viewer)).to.not.include(filmId);

    await viewer.goto(`${e2e.baseUrl}/films/${filmId}`);
    const notice = viewer.getByTestId("hidden-notice");
    await notice.waitFor({ timeout: WAIT });
    expect(await notice.innerText()).to.include(`Hidden on AI Films: ${REASON}`);
    expect(await viewer.getByTestId("purchase-panel").count()).to.equal(0);
    await viewer.screenshot({ path: path.join(ARTIFACTS, "moderation-hidden-film.png"), fullPage: true });
  });

  it("lists the film again once the guardian unhides it", async () => {
    await guardian.goto(`${e2e.baseUrl}/moderation`);
    const hidden = guardian.locator(`[data-testid="hidden-film"][data-film-id="${filmId}"]`);
    await hidden.getByLabel("Public reason").fill("Restored: the creator proved ownership");
    await hidden.getByRole("button", { name: "Unhide" }).click();
    await hidden.waitFor({ state: "detached", timeout: WAIT });
    await viewer.goto(`${e2e.baseUrl}/?q=${encodeURIComponent(FILM_TITLE)}`);
    await viewer.locator(`[data-testid="film-card"][data-film-id="${filmId}"]`).first().waitFor({ timeout: WAIT });
  });
});
