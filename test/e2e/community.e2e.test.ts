// Profiles and follows in a real browser (issue 15 points 1 and 2): a fresh creator mints a film,
// sets a profile in the studio (name, avatar; signed by the dev wallet) and the catalogue and the
// film page show the name and avatar instead of the address (the short address beside the name on
// the film page); a viewer follows the creator on the creator page, gets the "From creators you
// follow" row and sees the creator on the account page; unfollowing takes the film out of the row.
import { expect } from "chai";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { recordCspViolations, signIn } from "../helpers/browser/chromium.ts";
import { uploadAndMint } from "../helpers/browser/studio.ts";
import { runFfmpeg } from "@ai-films/core/media/tools";
import { account } from "@ai-films/core/platform";
import { ARTIFACTS, E2E_ACCOUNTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";

/** A 1×1 PNG: the avatar. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6300010000050001" +
    "0d0a2db40000000049454e44ae426082",
  "hex",
);

describe("Creators' profiles and follows in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let studio: BrowserContext;
  let viewing: BrowserContext;
  let creatorPage: Page;
  let viewerPage: Page;
  let filmId = "";
  const suffix = Date.now().toString(36);
  const name = `Ada Frames ${suffix}`;
  const creator = account(E2E_ACCOUNTS.communityCreator).address.toLowerCase();
  const shortCreator = `${creator.slice(0, 6)}…${creator.slice(-4)}`;

  /** Reloads `url` until `ready` holds (the indexer and pages catch up within seconds; allow minutes). */
  async function reloadUntil(page: Page, url: string, ready: () => Promise<boolean>, what: string, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await page.goto(url);
      if (await ready()) return;
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
      await page.waitForTimeout(1_000);
    }
  }
  const card = (page: Page) => page.locator(`[data-testid="film-card"][data-film-id="${filmId}"]`);

  before(async function () {
    e2e = await e2ePlatform();
    const clip = path.join(e2e.platform.dataDir, `community-${suffix}.mp4`);
    await runFfmpeg([
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=640x360:rate=24:duration=6",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:duration=6",
      "-c:v",
      "libx264",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-shortest",
      clip,
    ]);
    await writeFile(path.join(e2e.platform.dataDir, "avatar.png"), PNG);
    studio = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(studio);
    creatorPage = await studio.newPage();
    tracePage(creatorPage, "community-creator");
    await creatorPage.goto(`${e2e.baseUrl}/studio`);
    await signIn(creatorPage, E2E_ACCOUNTS.communityCreator);
    await creatorPage.goto(`${e2e.baseUrl}/studio`);
    filmId = (await uploadAndMint(creatorPage, { file: clip, title: `Fractal Dawn ${suffix}`, priceDollars: 0 })).filmId;
  });

  after(async () => {
    await studio?.close();
    await viewing?.close();
  });

  it("sets a signed profile in the studio: the catalogue and the film page show the name and avatar instead of the address", async () => {
    await creatorPage.goto(`${e2e.baseUrl}/studio`);
    const form = creatorPage.getByTestId("profile-form");
    await form.waitFor({ timeout: 60_000 });
    await creatorPage.getByTestId("profile-name").fill(name);
    await creatorPage.getByTestId("profile-bio").fill("Fractal films, made with care.");
    await creatorPage.getByTestId("profile-links").fill("https://ada.example/films");
    await creatorPage.getByTestId("profile-avatar").setInputFiles(path.join(e2e.platform.dataDir, "avatar.png"));
    await creatorPage.getByTestId("profile-save").click();
    const status = creatorPage.locator(
      '[data-testid="profile-status"][data-state="done"], [data-testid="profile-status"][data-state="error"]',
    );
    await status.waitFor({ timeout: 60_000 });
    expect(await status.getAttribute("data-state"), await status.innerText()).to.equal("done");

    // The catalogue's card of the film: the name, the avatar, no address.
    await reloadUntil(
      creatorPage,
      e2e.baseUrl,
      async () => (await card(creatorPage).count()) > 0 && (await card(creatorPage).getByTestId("creator-name").innerText()) === name,
      "the film's card showing the profile name",
    );
    const avatar = card(creatorPage).getByTestId("creator-avatar");
    expect(await avatar.getAttribute("src")).to.match(/^\/ipfs\/b[a-z2-7]+$/);
    expect(await card(creatorPage).innerText()).to.not.include(creator.slice(0, 6));
    expect(await card(creatorPage).getByTestId("creator-label").getAttribute("title")).to.include(creator);

    // The film page: the name and avatar, the short address beside it, the creator page one click away.
    await creatorPage.goto(`${e2e.baseUrl}/films/${filmId}`);
    const by = creatorPage.getByTestId("film-creator");
    expect(await by.getByTestId("creator-name").innerText()).to.equal(name);
    expect(await by.getByTestId("creator-short-address").innerText()).to.include(shortCreator);
    expect(await by.getByTestId("creator-avatar").count()).to.equal(1);
    await creatorPage.screenshot({ path: path.join(ARTIFACTS, "community-film-page.png"), fullPage: true });
    await by.getByTestId("creator-label").click();
    await creatorPage.waitForURL(new RegExp(`/creators/${creator}$`));
    expect(await creatorPage.getByTestId("creator-heading").innerText()).to.equal(name);
    expect(await creatorPage.getByTestId("creator-address").innerText()).to.equal(creator);
  });

  it("lets a viewer follow the creator: the catalogue's row and the account page's list; unfollowing removes them", async () => {
    viewing = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(viewing);
    viewerPage = await viewing.newPage();
    tracePage(viewerPage, "community-viewer");
    await viewerPage.goto(`${e2e.baseUrl}/creators/${creator}`);
    await signIn(viewerPage, E2E_ACCOUNTS.follower);
    await viewerPage.goto(`${e2e.baseUrl}/creators/${creator}`);
    const followers = viewerPage.getByTestId("creator-followers");
    const before = Number(await followers.getAttribute("data-count"));
    const toggle = viewerPage.getByTestId("follow-toggle");
    // A viewer left following by an earlier run of this file starts from "following": unfollow first.
    if ((await toggle.getAttribute("data-on")) === "true") {
      await toggle.click();
      await viewerPage.locator('[data-testid="follow-toggle"][data-on="false"]').waitFor({ timeout: 30_000 });
    }
    await viewerPage.getByTestId("follow-toggle").click();
    await viewerPage.locator('[data-testid="follow-toggle"][data-on="true"]').waitFor({ timeout: 30_000 });
    await reloadUntil(
      viewerPage,
      `${e2e.baseUrl}/creators/${creator}`,
      async () => Number(await viewerPage.getByTestId("creator-followers").getAttribute("data-count")) >= Math.max(1, before),
      "the follower count counting the viewer",
      30_000,
    );

    const followedRow = () => viewerPage.getByTestId("from-followed").locator(`[data-testid="film-card"][data-film-id="${filmId}"]`);
    await reloadUntil(viewerPage, e2e.baseUrl, async () => (await followedRow().count()) === 1, "the 'From creators you follow' row");
    expect(await viewerPage.getByTestId("from-followed").getByRole("heading", { level: 2 }).innerText()).to.equal(
      "From creators you follow",
    );
    expect(await followedRow().getByTestId("creator-name").innerText()).to.equal(name);

    await viewerPage.goto(`${e2e.baseUrl}/account`);
    const item = viewerPage.locator(`[data-testid="followed-creator"][data-address="${creator}"]`);
    await item.waitFor({ timeout: 30_000 });
    expect(await item.getByTestId("creator-name").innerText()).to.equal(name);
    await viewerPage.screenshot({ path: path.join(ARTIFACTS, "community-account.png"), fullPage: true });

    await item.getByTestId("follow-toggle").click();
    await item.locator('[data-testid="follow-toggle"][data-on="false"]').waitFor({ timeout: 30_000 });
    await reloadUntil(
      viewerPage,
      `${e2e.baseUrl}/account`,
      async () => (await item.count()) === 0,
      "the creator leaving the account list",
      30_000,
    );
    await viewerPage.goto(e2e.baseUrl);
    await viewerPage.getByTestId("new-releases").waitFor();
    expect(await followedRow().count()).to.equal(0);
  });
});
