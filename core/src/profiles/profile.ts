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

/** What is wrong with a profile's fields, in one sentence for its author; null when it is fine. */
export function profileProblem(profile: Omit<Profile, "account" | "updatedAt">): string | null {
  const { name, bio, avatar, links } = profile;
  if (name !== name.normalize("NFC") || name !== name.trim()) return "The name must be trimmed and in Unicode NFC form.";
  if ([...name].length < 1 || [...name].length > PROFILE_LIMITS.nameMax)
    return `The name must be 1 to ${PROFILE_LIMITS.nameMax} characters.`;
  if (UNSAFE.test(name)) return "The name may not contain control, invisible or text-direction characters.";
  if (/\s{2,}/.test(name)) return "The name may not contain runs of spaces.";
  if (ADDRESS_LIKE.test(name)) return "The name may not look like a wallet address.";
  if ([...bio].length > PROFILE_LIMITS.bioMax) return `The bio must be at most ${PROFILE_LIMITS.bioMax} characters.`;
  if (bio !== bio.normalize("NFC")) return "The bio must be in Unicode NFC form.";
  if (UNSAFE_IN_BIO.test(bio)) return "The bio may not contain control, invisible or text-direction characters (newlines are fine).";
  if (avatar !== "" && !CID_LIKE.test(avatar)) return "The avatar must be the IPFS CID of an uploaded image, or empty.";
  if (links.length > PROFILE_LIMITS.linksMax) return `At most ${PROFILE_LIMITS.linksMax} links.`;
  for (const link of links) {
    if (link.length > PROFILE_LIMITS.linkMax) return `Each link must be at most ${PROFILE_LIMITS.linkMax} characters.`;
    if (UNSAFE.test(link) || /\s/.test(link)) return "A link may not contain spaces or control characters.";
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return `"${link.slice(0, 60)}" is not a URL.`;
    }
    if (url.protocol !== "https:") return `Links must be https:// URLs ("${link.slice(0, 60)}" is not).`;
    if (url.username || url.password) return "A link may not carry a user name or password.";
  }
  if (new Set(links).size !== links.length) return "The same link is listed twice.";
  return null;
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
