/** Display helpers shared by server and client components. */
import { IS_LOCAL_CHAIN, TOKEN_DECIMALS } from "./config.ts";

/**
 * Every formatter takes the page's locale (next-intl's `useLocale()` / `getLocale()`) and formats
 * with `Intl`: "$1.50" in English, "1,50 $" in German, "1,50 US$" in Spanish. English is the
 * default so a caller without a locale (a script, a log line) still reads well.
 */
const DEFAULT = "en";

/** Token units (6 decimals) as dollars, to the nearest cent; `free` is said instead of zero when given. */
export function formatDollars(units: string | bigint, locale: string = DEFAULT, options: { free?: string } = {}): string {
  const value = typeof units === "bigint" ? units : BigInt(units || "0");
  if (value === 0n && options.free) return options.free;
  const scale = 10n ** BigInt(TOKEN_DECIMALS);
  const cents = (value * 100n + scale / 2n) / scale;
  // Cents fit a double exactly up to 2^53 (90 trillion dollars): Intl takes it from here.
  return new Intl.NumberFormat(locale, { style: "currency", currency: "USD" }).format(Number(cents) / 100);
}

/** Seconds as a player shows them: "1:05:09" or "4:07" (the same in every language). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function units(locale: string, parts: [number, "day" | "hour" | "minute" | "second"][]): string {
  const said = parts.map(([n, unit]) => new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(n));
  return new Intl.ListFormat(locale, { type: "unit", style: "short" }).format(said);
}

/** Watch time in words: "2 hr, 5 min" / "2 Std., 5 Min." / "2 h y 5 min"; "40 sec" under a minute. */
export function formatWatchTime(totalSeconds: number, locale: string = DEFAULT): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return units(locale, [[s, "second"]]);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0) return units(locale, [[m, "minute"]]);
  return m === 0
    ? units(locale, [[h, "hour"]])
    : units(locale, [
        [h, "hour"],
        [m, "minute"],
      ]);
}

/**
 * Time left until `until` (unix seconds) from `now`: "1 day, 3 hr", "5 hr, 12 min", "3 min";
 * null once it has passed (the caller says "expired" in the page's words).
 */
export function formatTimeLeft(until: number, now: number, locale: string = DEFAULT): string | null {
  const s = until - now;
  if (s <= 0) return null;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0)
    return units(locale, [
      [d, "day"],
      [h, "hour"],
    ]);
  if (h > 0)
    return units(locale, [
      [h, "hour"],
      [m, "minute"],
    ]);
  return units(locale, [[Math.max(1, m), "minute"]]);
}

/** A date and time, fixed to UTC so server and client render the same text ("4 Dec 2026, 16:39 UTC"). */
export function formatDate(unixSeconds: number, locale: string = DEFAULT): string {
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(new Date(unixSeconds * 1000));
}

/** A share as a percentage: 0.125 → "12.5%" / "12,5 %". */
export function formatPercent(fraction: number, locale: string = DEFAULT, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits }).format(fraction);
}

/** A count: 12345 → "12,345" / "12.345". */
export function formatNumber(value: number | bigint, locale: string = DEFAULT): string {
  return new Intl.NumberFormat(locale).format(value);
}

export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** `ipfs://<cid>/<path>` → our gateway path `/ipfs/<cid>/<path>`; http(s) URLs pass through. */
export function gatewayUrl(uri: string | null | undefined): string | null {
  if (!uri) return null;
  if (uri.startsWith("ipfs://")) return `/ipfs/${uri.slice("ipfs://".length).replace(/^ipfs\//, "")}`;
  if (uri.startsWith("/ipfs/") || uri.startsWith("https://") || uri.startsWith("http://")) return uri;
  return null;
}

/** Bytes as "1.5 GB", "820 MB", "12 kB" (decimal units, the number in the locale's digits). */
export function formatBytes(bytes: number, locale: string = DEFAULT): string {
  const names = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < names.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return new Intl.NumberFormat(locale, { style: "unit", unit: names[unit], unitDisplay: "short", maximumFractionDigits: digits }).format(
    value,
  );
}

/** Dollars typed by a person ("1.5", "$2", "0.05") as token units (6 decimals); null if not a price. */
export function parseDollars(text: string): bigint | null {
  const m = /^\s*\$?\s*(\d{1,12})(?:\.(\d{0,6}))?\s*$/.exec(text);
  if (!m) return null;
  return BigInt(m[1]) * 10n ** BigInt(TOKEN_DECIMALS) + BigInt((m[2] ?? "").padEnd(TOKEN_DECIMALS, "0") || "0");
}

/**
 * What the app calls the payment token in a sentence: "test dollars" on a local chain (the faucet's
 * TestDollar), else the token's own symbol ("USDC"), so a real network never reads "test".
 */
export function tokenLabel(symbol: string, testDollars = "test dollars"): string {
  return IS_LOCAL_CHAIN ? testDollars : symbol;
}
