/** Display helpers shared by server and client components. */
import { IS_LOCAL_CHAIN, TOKEN_DECIMALS } from "./config";

/** Token units (6 decimals) as dollars: "$1.50", "$0.05", "Free" for zero when asked. */
export function formatDollars(units: string | bigint, options: { free?: boolean } = {}): string {
  const value = typeof units === "bigint" ? units : BigInt(units || "0");
  if (value === 0n && options.free) return "Free";
  const scale = 10n ** BigInt(TOKEN_DECIMALS);
  const cents = (value * 100n + scale / 2n) / scale; // to the nearest cent
  const dollars = cents / 100n;
  const rest = (cents % 100n).toString().padStart(2, "0");
  return `$${dollars.toLocaleString("en-US")}.${rest}`;
}

/** Seconds as "1:05:09" or "4:07". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** Watch time in words: "2 h 05 min", "48 h", "14 min", "40 s". */
export function formatWatchTime(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, "0")} min`;
}

/** Time left until `until` (unix seconds) from `now`: "1 d 3 h", "47 h" is shown as "1 d 23 h". */
export function formatTimeLeft(until: number, now: number): string {
  const s = until - now;
  if (s <= 0) return "expired";
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${Math.max(1, m)} min`;
}

/** A date in the viewer's words, fixed to UTC so server and client render the same text. */
export function formatDate(unixSeconds: number): string {
  return (
    new Date(unixSeconds * 1000).toLocaleString("en-GB", {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "UTC",
    }) + " UTC"
  );
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

/** Bytes as "1.5 GB", "820 MB", "12 kB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
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
export function tokenLabel(symbol: string): string {
  return IS_LOCAL_CHAIN ? "test dollars" : symbol;
}
