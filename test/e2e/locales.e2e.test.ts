// The site in German and in Spanish: the browser's language picks it (Accept-Language), the
// switcher changes it and the choice outlives a reload; the pages' words come from the catalogues,
// prices are formatted for the locale, an API refusal is said in the viewer's language, the
// German phone layout (longer words) still fits 390 px, and axe-core finds nothing serious.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { seriousViolations } from "../helpers/browser/axe.ts";
import { signIn } from "../helpers/browser/chromium.ts";
import { fillUploadForm, submitUpload } from "../helpers/browser/studio.ts";
import { ARTIFACTS, E2E_ACCOUNTS, ROOT, e2ePlatform, tracePage, type E2E } from "./platform.ts";

type Catalogue = Record<string, Record<string, unknown>>;
const catalogue = (locale: string, ns: string): Catalogue =>
  JSON.parse(readFileSync(path.join(ROOT, `web/messages/${locale}/${ns}.json`), "utf8")) as Catalogue;
const de = { common: catalogue("de", "common"), errors: catalogue("de", "errors"), wallet: catalogue("de", "wallet") };
const es = { common: catalogue("es", "common"), wallet: catalogue("es", "wallet") };
const nav = (c: Catalogue) => c.nav as Record<string, string>;
/** The words of a message before its first placeholder ("Abonnieren – {price}/Monat" → "Abonnieren"). */
const lead = (message: unknown) =>
  String(message)
    .split("{")[0]
    .replace(/[\s–—-]+$/, "");

describe("German and Spanish pages", function () {
  this.timeout(10 * 60_000);
  let e2e: E2E;
  let filmPath = "";
  const contexts: BrowserContext[] = [];

  async function open(locale: string, urlPath: string, viewport = { width: 1280, height: 860 }): Promise<Page> {
    const context = await e2e.browser.newContext({ locale, viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
    contexts.push(context);
    const page = await context.newPage();
    tracePage(page, `locales ${locale} ${urlPath}`);
    await page.goto(`${e2e.baseUrl}${urlPath}`, { waitUntil: "networkidle", timeout: 60_000 });
    return page;
  }

  before(async () => {
    e2e = await e2ePlatform();
    for (let attempt = 0; attempt < 90 && !filmPath; attempt++) {
      const html = await (await fetch(e2e.baseUrl)).text();
      const id = /data-film-id="(\d+)"/.exec(html)?.[1];
      if (id) filmPath = `/films/${id}`;
      else await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(filmPath, "the catalogue lists a film").to.match(/^\/films\/\d+$/);
  });

  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  });

  it("a German browser gets the catalogue in German, with German prices, fitting a phone, without serious axe findings", async () => {
    const page = await open("de-DE", "/", { width: 390, height: 844 });
    await page.getByTestId("film-card").first().waitFor({ timeout: 60_000 });
    expect(await page.getAttribute("html", "lang")).to.equal("de");
    expect((await page.getByTestId("nav-catalogue").innerText()).trim()).to.equal(nav(de.common).catalogue);
    expect(await page.locator("footer").innerText()).to.include(String(de.common.footer).slice(0, 40));
    // Prices as Germans write them: "1,50 $" (or "Kostenlos"), never "$1.50".
    const cards = (await page.getByTestId("film-card").allInnerTexts()).join("\n");
    expect(cards).to.match(/\d+,\d{2}\s\$|Kostenlos/);
    expect(cards).to.not.match(/\$\d/);
    await page.screenshot({ path: path.join(ARTIFACTS, "phone-catalogue-de.png"), fullPage: true });
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(width.scroll, "the German catalogue scrolls sideways on a phone").to.be.at.most(width.inner);
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  it("a German film page offers the subscription in German and fits a phone", async () => {
    const page = await open("de-DE", filmPath, { width: 390, height: 844 });
    const subscribe = page.getByTestId("subscribe");
    await subscribe.waitFor({ timeout: 60_000 });
    expect(await subscribe.innerText()).to.include(lead((de.wallet.purchase as Record<string, string>).subscribe));
    expect(await subscribe.innerText()).to.match(/\d+,\d{2}\s\$/);
    await page.screenshot({ path: path.join(ARTIFACTS, "phone-film-de.png"), fullPage: true });
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(width.scroll, "the German film page scrolls sideways on a phone").to.be.at.most(width.inner);
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  it("an API refusal is said in German: the studio refuses a file that is not a video", async () => {
    const notVideo = path.join(e2e.platform.dataDir, "notizen.mp4");
    await writeFile(notVideo, "Meine Notizen zum nächsten Film, kein Video.\n".repeat(200));
    const page = await open("de-DE", "/studio");
    await signIn(page, E2E_ACCOUNTS.polyglot);
    await page.getByTestId("upload-file").waitFor({ timeout: 60_000 });
    await fillUploadForm(page, { file: notVideo, title: "Kein Film", priceDollars: "1" });
    await submitUpload(page);
    const shown = page.getByTestId("studio-error");
    await shown.waitFor({ timeout: 120_000 });
    expect(await shown.getAttribute("data-code")).to.equal("NOT_MEDIA");
    expect(await shown.innerText()).to.include(String(de.errors["not-media"]));
    expect(await page.getByTestId("mint-button").count()).to.equal(0);
  });

  it("the switcher turns the site Spanish and remembers it over the browser's German", async () => {
    const page = await open("de-DE", filmPath);
    expect(await page.getAttribute("html", "lang")).to.equal("de");
    await page.getByTestId("locale-es").click();
    await page.waitForFunction(() => document.documentElement.lang === "es", null, { timeout: 30_000 });
    expect((await page.getByTestId("nav-catalogue").innerText()).trim()).to.equal(nav(es.common).catalogue);
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.getAttribute("html", "lang")).to.equal("es");
    expect(await page.getByTestId("locale-es").getAttribute("aria-current")).to.equal("true");
    const subscribe = page.getByTestId("subscribe");
    await subscribe.waitFor({ timeout: 60_000 });
    expect(await subscribe.innerText()).to.include(lead((es.wallet.purchase as Record<string, string>).subscribe));
    expect(await subscribe.innerText()).to.match(/\d+,\d{2}\s?US\$/);
    await page.screenshot({ path: path.join(ARTIFACTS, "film-es.png"), fullPage: true });
    expect(await seriousViolations(page)).to.deep.equal([]);
    // Back to English for anyone sharing this browser: the choice is a cookie, nothing else.
    await page.getByTestId("locale-en").click();
    await page.waitForFunction(() => document.documentElement.lang === "en", null, { timeout: 30_000 });
  });
});
