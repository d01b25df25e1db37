/** Which language a request gets, and how numbers, money, dates and durations read in each. */
import { expect } from "chai";
import { pickLocale } from "../../web/i18n/negotiate.ts";
import { formatBytes, formatDate, formatDollars, formatPercent, formatTimeLeft, formatWatchTime } from "../../web/lib/format.ts";

describe("language negotiation", () => {
  it("a remembered choice wins over the browser's languages", () => {
    expect(pickLocale("es", "de-DE,de;q=0.9,en;q=0.5")).to.equal("es");
  });

  it("without a choice, the browser's best supported language: regional tags and weights count", () => {
    expect(pickLocale(undefined, "de-CH,de;q=0.9,en;q=0.8")).to.equal("de");
    expect(pickLocale(undefined, "fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7")).to.equal("es");
    expect(pickLocale(undefined, "en;q=0.4,es-MX;q=0.9")).to.equal("es");
  });

  it("falls back to English for unknown, empty, wildcard or malformed input, and ignores a forged cookie", () => {
    expect(pickLocale(undefined, "fr-FR,ja")).to.equal("en");
    expect(pickLocale(undefined, "")).to.equal("en");
    expect(pickLocale(undefined, null)).to.equal("en");
    expect(pickLocale(undefined, "*")).to.equal("en");
    expect(pickLocale(undefined, "!!,@@@;q=x,de")).to.equal("de");
    expect(pickLocale("xx", "de")).to.equal("de");
    expect(pickLocale("../../etc/passwd", null)).to.equal("en");
  });
});

describe("formatting for the locale", () => {
  const NBSP = /[\u00a0\u202f]/g;
  const plain = (s: string | null) => s?.replace(NBSP, " ");

  it("prices: token units to the cent in each locale's currency style", () => {
    expect(formatDollars(1_500_000n, "en")).to.equal("$1.50");
    expect(plain(formatDollars(1_234_500_000n, "de"))).to.equal("1.234,50 $");
    expect(plain(formatDollars(1_500_000n, "es"))).to.equal("1,50 US$");
    expect(formatDollars(4_999n, "en")).to.equal("$0.00");
    expect(formatDollars(5_000n, "en")).to.equal("$0.01");
    expect(formatDollars(0n, "de", { free: "Kostenlos" })).to.equal("Kostenlos");
    expect(formatDollars("0", "en")).to.equal("$0.00");
  });

  it("watch time and time left in words of the locale", () => {
    expect(formatWatchTime(40, "en")).to.equal("40 sec");
    expect(formatWatchTime(7500, "en")).to.equal("2 hr, 5 min");
    expect(plain(formatWatchTime(7500, "de"))).to.equal("2 Std., 5 Min.");
    expect(plain(formatWatchTime(7500, "es"))).to.equal("2 h y 5 min");
    expect(formatWatchTime(3600, "en")).to.equal("1 hr");
    expect(plain(formatTimeLeft(100 + 86400 + 3 * 3600, 100, "de"))).to.equal("1 Tg., 3 Std.");
    expect(formatTimeLeft(100, 100, "en")).to.equal(null);
  });

  it("dates are UTC and say so; percentages and sizes use the locale's digits", () => {
    const t = Date.UTC(2026, 11, 4, 16, 39) / 1000;
    expect(plain(formatDate(t, "de"))).to.equal("4. Dez. 2026, 16:39 UTC");
    expect(plain(formatDate(t, "es"))).to.equal("4 dic 2026, 16:39 UTC");
    expect(formatDate(t, "en")).to.match(/^Dec 4, 2026, 04:39\s?PM UTC$/);
    expect(plain(formatPercent(0.125, "de"))).to.equal("12,5 %");
    expect(formatPercent(0.125, "en")).to.equal("12.5%");
    expect(plain(formatBytes(1_500_000_000, "de"))).to.equal("1,5 GB");
    expect(formatBytes(820_000_000, "en")).to.equal("820 MB");
  });
});
