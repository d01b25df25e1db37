/**
 * A creator's profile: name, avatar, bio and links, signed by their wallet as EIP-712
 * `Profile(account, name, bio, avatar, links, updatedAt)`. The signature is the authority (no
 * session needed to publish one); `updatedAt` (unix seconds, signed) orders a wallet's profiles, so
 * an older signed profile can never be replayed over a newer one. Dependency-free apart from viem's
 * types, so the studio's browser bundle builds the same typed data the server verifies.
 */
import type { Address, Hex } from "viem";

export const PROFILE_LIMITS = {
  nameMax: 50,
  bioMax: 500,
  linksMax: 5,
  linkMax: 200,
  /** Avatars: PNG, JPEG, WebP or GIF (no SVG: it can carry scripts), at most this many bytes. */
  avatarMaxBytes: 512 * 1024,
  /** A signed time may run ahead of the server's clock by this much (clock skew), no more. */
  futureSkewSeconds: 10 * 60,
} as const;

export const PROFILE_TYPES = {
  Profile: [
    { name: "account", type: "address" },
    { name: "name", type: "string" },
    { name: "bio", type: "string" },
    { name: "avatar", type: "string" },
    { name: "links", type: "string[]" },
    { name: "updatedAt", type: "uint64" },
  ],
} as const;

export interface Profile {
  account: Address;
  name: string;
  bio: string;
  /** A CID of an image in this platform's IPFS store, or "" for none. */
  avatar: string;
  links: string[];
  /** Unix seconds, signed: the newest profile wins. */
  updatedAt: bigint;
}

export interface SignedProfile {
  profile: Profile;
  signature: Hex;
}

/** The typed data the wallet signs (viem's signTypedData / verifyTypedData shape). */
export function profileTypedData(chainId: number, profile: Profile) {
  return {
    domain: { name: "AI Films profiles", version: "1", chainId },
    types: PROFILE_TYPES,
    primaryType: "Profile" as const,
    message: profile,
  };
}

// Control characters (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width
// joiners, the BOM…) and line/paragraph separators: what lets a name look like another or reverse
// the text around it. The bio may hold plain newlines, nothing else of these.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;
const UNSAFE_IN_BIO = /[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]|(?![\n])\p{Cc}/u;
/** A name that reads as an address ("0x1234…") would impersonate the one a page shows beside it. */
const ADDRESS_LIKE = /^\s*0x[0-9a-f]{3,}/i;
const CID_LIKE = /^(?:Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{20,120})$/;

/**
 * What is wrong with a profile's fields, as a kind and its values (the studio says it in the
 * viewer's language from these); null when it is fine.
 */
export type ProfileIssue =
  | { kind: "nameForm" | "nameUnsafe" | "nameSpaces" | "nameAddress" | "bioForm" | "bioUnsafe" | "avatarCid" }
  | { kind: "linkSpaces" | "linkCredentials" | "linkTwice" }
  | { kind: "nameLength" | "bioLength" | "tooManyLinks" | "linkLength"; max: number }
  | { kind: "linkNotUrl" | "linkNotHttps"; link: string };

export function profileIssue(profile: Omit<Profile, "account" | "updatedAt">): ProfileIssue | null {
  const { name, bio, avatar, links } = profile;
  if (name !== name.normalize("NFC") || name !== name.trim()) return { kind: "nameForm" };
  if ([...name].length < 1 || [...name].length > PROFILE_LIMITS.nameMax) return { kind: "nameLength", max: PROFILE_LIMITS.nameMax };
  if (UNSAFE.test(name)) return { kind: "nameUnsafe" };
  if (/\s{2,}/.test(name)) return { kind: "nameSpaces" };
  if (ADDRESS_LIKE.test(name)) return { kind: "nameAddress" };
  if ([...bio].length > PROFILE_LIMITS.bioMax) return { kind: "bioLength", max: PROFILE_LIMITS.bioMax };
  if (bio !== bio.normalize("NFC")) return { kind: "bioForm" };
  if (UNSAFE_IN_BIO.test(bio)) return { kind: "bioUnsafe" };
  if (avatar !== "" && !CID_LIKE.test(avatar)) return { kind: "avatarCid" };
  if (links.length > PROFILE_LIMITS.linksMax) return { kind: "tooManyLinks", max: PROFILE_LIMITS.linksMax };
  for (const link of links) {
    if (link.length > PROFILE_LIMITS.linkMax) return { kind: "linkLength", max: PROFILE_LIMITS.linkMax };
    if (UNSAFE.test(link) || /\s/.test(link)) return { kind: "linkSpaces" };
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return { kind: "linkNotUrl", link: link.slice(0, 60) };
    }
    if (url.protocol !== "https:") return { kind: "linkNotHttps", link: link.slice(0, 60) };
    if (url.username || url.password) return { kind: "linkCredentials" };
  }
  if (new Set(links).size !== links.length) return { kind: "linkTwice" };
  return null;
}

/** The issue in one English sentence for its author (the API's message, logs); null when it is fine. */
export function profileProblem(profile: Omit<Profile, "account" | "updatedAt">): string | null {
  const issue = profileIssue(profile);
  if (!issue) return null;
  switch (issue.kind) {
    case "nameForm":
      return "The name must be trimmed and in Unicode NFC form.";
    case "nameLength":
      return `The name must be 1 to ${issue.max} characters.`;
    case "nameUnsafe":
      return "The name may not contain control, invisible or text-direction characters.";
    case "nameSpaces":
      return "The name may not contain runs of spaces.";
    case "nameAddress":
      return "The name may not look like a wallet address.";
    case "bioLength":
      return `The bio must be at most ${issue.max} characters.`;
    case "bioForm":
      return "The bio must be in Unicode NFC form.";
    case "bioUnsafe":
      return "The bio may not contain control, invisible or text-direction characters (newlines are fine).";
    case "avatarCid":
      return "The avatar must be the IPFS CID of an uploaded image, or empty.";
    case "tooManyLinks":
      return `At most ${issue.max} links.`;
    case "linkLength":
      return `Each link must be at most ${issue.max} characters.`;
    case "linkSpaces":
      return "A link may not contain spaces or control characters.";
    case "linkNotUrl":
      return `"${issue.link}" is not a URL.`;
    case "linkNotHttps":
      return `Links must be https:// URLs ("${issue.link}" is not).`;
    case "linkCredentials":
      return "A link may not carry a user name or password.";
    case "linkTwice":
      return "The same link is listed twice.";
  }
}

/** The image types an avatar may be, by their first bytes (the Content-Type a client sends proves nothing). */
export function imageTypeOf(bytes: Uint8Array): "image/png" | "image/jpeg" | "image/webp" | "image/gif" | null {
  const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp";
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return "image/gif";
  return null;
}
