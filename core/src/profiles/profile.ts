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
 * What can be wrong with a profile's fields, as a code (the studio's form words it in the viewer's
 * language: web/messages/<locale>/community.json `profile.problems`) with the limit or link it names.
 */
export type ProfileProblemCode =
  | "nameForm"
  | "nameLength"
  | "nameUnsafe"
  | "nameSpaces"
  | "nameAddress"
  | "bioLength"
  | "bioForm"
  | "bioUnsafe"
  | "avatarCid"
  | "linksCount"
  | "linkLength"
  | "linkUnsafe"
  | "linkNotUrl"
  | "linkNotHttps"
  | "linkCredentials"
  | "linkTwice";

export interface ProfileProblem {
  code: ProfileProblemCode;
  /** The limit it broke (lengths, counts). */
  max?: number;
  /** The link it is about (its first 60 characters). */
  link?: string;
}

/** What is wrong with a profile's fields; null when it is fine. */
export function profileProblemOf(profile: Omit<Profile, "account" | "updatedAt">): ProfileProblem | null {
  const { name, bio, avatar, links } = profile;
  if (name !== name.normalize("NFC") || name !== name.trim()) return { code: "nameForm" };
  if ([...name].length < 1 || [...name].length > PROFILE_LIMITS.nameMax) return { code: "nameLength", max: PROFILE_LIMITS.nameMax };
  if (UNSAFE.test(name)) return { code: "nameUnsafe" };
  if (/\s{2,}/.test(name)) return { code: "nameSpaces" };
  if (ADDRESS_LIKE.test(name)) return { code: "nameAddress" };
  if ([...bio].length > PROFILE_LIMITS.bioMax) return { code: "bioLength", max: PROFILE_LIMITS.bioMax };
  if (bio !== bio.normalize("NFC")) return { code: "bioForm" };
  if (UNSAFE_IN_BIO.test(bio)) return { code: "bioUnsafe" };
  if (avatar !== "" && !CID_LIKE.test(avatar)) return { code: "avatarCid" };
  if (links.length > PROFILE_LIMITS.linksMax) return { code: "linksCount", max: PROFILE_LIMITS.linksMax };
  for (const link of links) {
    if (link.length > PROFILE_LIMITS.linkMax) return { code: "linkLength", max: PROFILE_LIMITS.linkMax };
    if (UNSAFE.test(link) || /\s/.test(link)) return { code: "linkUnsafe" };
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return { code: "linkNotUrl", link: link.slice(0, 60) };
    }
    if (url.protocol !== "https:") return { code: "linkNotHttps", link: link.slice(0, 60) };
    if (url.username || url.password) return { code: "linkCredentials" };
  }
  if (new Set(links).size !== links.length) return { code: "linkTwice" };
  return null;
}

/** The server's English sentence for each problem (API messages, logs). */
const PROBLEM_TEXT: Record<ProfileProblemCode, (p: ProfileProblem) => string> = {
  nameForm: () => "The name must be trimmed and in Unicode NFC form.",
  nameLength: (p) => `The name must be 1 to ${p.max} characters.`,
  nameUnsafe: () => "The name may not contain control, invisible or text-direction characters.",
  nameSpaces: () => "The name may not contain runs of spaces.",
  nameAddress: () => "The name may not look like a wallet address.",
  bioLength: (p) => `The bio must be at most ${p.max} characters.`,
  bioForm: () => "The bio must be in Unicode NFC form.",
  bioUnsafe: () => "The bio may not contain control, invisible or text-direction characters (newlines are fine).",
  avatarCid: () => "The avatar must be the IPFS CID of an uploaded image, or empty.",
  linksCount: (p) => `At most ${p.max} links.`,
  linkLength: (p) => `Each link must be at most ${p.max} characters.`,
  linkUnsafe: () => "A link may not contain spaces or control characters.",
  linkNotUrl: (p) => `"${p.link}" is not a URL.`,
  linkNotHttps: (p) => `Links must be https:// URLs ("${p.link}" is not).`,
  linkCredentials: () => "A link may not carry a user name or password.",
  linkTwice: () => "The same link is listed twice.",
};

/** What is wrong with a profile's fields, in one English sentence for its author; null when it is fine. */
export function profileProblem(profile: Omit<Profile, "account" | "updatedAt">): string | null {
  const problem = profileProblemOf(profile);
  return problem && PROBLEM_TEXT[problem.code](problem);
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
