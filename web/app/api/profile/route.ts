/**
 * Creators' profiles. GET `?address=0x…` → `{ profile }` (null when the wallet published none).
 * POST `{ profile: { account, name, bio, avatar, links, updatedAt }, signature }` (nothing else):
 * an EIP-712 signed profile; the signature is the authority, so no session is needed. 400
 * invalid-profile (the rule it breaks), 401 bad-signature (not signed by `account`), 409
 * profile-outdated (not newer than the published one: a replay), 400 invalid-avatar.
 */
import { z } from "zod";
import { isAddressFormat } from "@ai-films/core/domain";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { profileOf, publishProfile } from "@/lib/server/community";
import { rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z.strictObject({
  profile: z.strictObject({
    account: z.string().refine(isAddressFormat, "account must be an address"),
    name: z.string().max(200),
    bio: z.string().max(2_000),
    avatar: z.string().max(200),
    links: z.array(z.string().max(400)).max(10),
    // A decimal string or a safe integer: unix seconds.
    updatedAt: z.union([z.string().regex(/^[0-9]{1,12}$/), z.number().int().min(0).max(1e12)]).transform((v) => BigInt(v)),
  }),
  // 65-byte ECDSA signatures; smart wallets' (ERC-1271/6492) are longer.
  signature: z.string().regex(/^0x[0-9a-fA-F]{130,4000}$/),
});

export const GET = (request: Request) =>
  guarded(async () => {
    const limited = await rateLimited("profileRead", request);
    if (limited) return limited;
    const address = new URL(request.url).searchParams.get("address") ?? "";
    if (!isAddressFormat(address)) return refuse("malformed", "Ask for ?address=0x… (a wallet address).");
    return Response.json({ profile: await profileOf(address) }, { headers: { "Cache-Control": "no-store" } });
  });

export const POST = (request: Request) =>
  guarded(async () => {
    const limited = await rateLimited("profileWrite", request);
    if (limited) return limited;
    const parsed = Body.safeParse(await readJson(request, 16 * 1024));
    if (!parsed.success)
      return refuse("malformed", "Send JSON { profile: { account, name, bio, avatar, links, updatedAt }, signature } and nothing else.");
    const { profile, signature } = parsed.data;
    const perWallet = await rateLimited("profileWrite", request, profile.account);
    if (perWallet) return perWallet;
    const stored = await publishProfile({
      profile: { ...profile, account: profile.account as `0x${string}` },
      signature: signature as `0x${string}`,
    });
    return Response.json({ profile: stored }, { headers: { "Cache-Control": "no-store" } });
  });
