// Profiles and follows in-process on real services (Hardhat chain, PGlite, Helia): POST/GET
// /api/profile (EIP-712 signed, the signature the only authority, replays refused),
// POST /api/profile/avatar, and GET/POST /api/follows (the session's wallet follows creators).
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { profileTypedData, type Profile } from "@ai-films/core/profiles";
import { listFilms } from "@ai-films/core/indexer";
import { followedFilms, followerCount } from "@ai-films/core/indexer";
import { signInAs } from "./helpers.ts";
import { browserRequest, installWebServices, loadRoute, type RouteHandler, type WebServices } from "./webRoutes.ts";

/** The smallest valid PNG (1×1), as a real avatar's first bytes. */
const PNG = new Uint8Array(
  Buffer.from(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
      "1f15c4890000000d49444154789c6300010000050001" +
      "0d0a2db40000000049454e44ae426082",
    "hex",
  ),
);

describe("profile and follow routes", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-community-routes-"));
  let services: WebServices;
  let profileRoute: Record<string, RouteHandler>;
  let avatarRoute: Record<string, RouteHandler>;
  let followRoute: Record<string, RouteHandler>;
  const creator = privateKeyToAccount(generatePrivateKey());
  const other = privateKeyToAccount(generatePrivateKey());
  const viewer = privateKeyToAccount(generatePrivateKey());
  let viewerCookie = "";
  let creatorCookie = "";
  const g = globalThis as Record<string, unknown>;
  const ctx = { params: Promise.resolve({}) };
  const now = () => Math.floor(Date.now() / 1000);

  const profileOf = (account: PrivateKeyAccount, fields: Partial<Profile> = {}): Profile => ({
    account: account.address,
    name: "Ada Frames",
    bio: "Fractal films.\nMade with care.",
    avatar: "",
    links: ["https://ada.example/films"],
    updatedAt: BigInt(now()),
    ...fields,
  });
  const sign = async (signer: PrivateKeyAccount, profile: Profile) =>
    signer.signTypedData(profileTypedData(services.chain.chainId, profile));
  const postProfile = (profile: Profile | Record<string, unknown>, signature: string) =>
    profileRoute.POST(
      browserRequest("/api/profile", {
        method: "POST",
        cookie: "",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ profile: { ...profile, updatedAt: String(profile.updatedAt) }, signature }),
      }),
      ctx,
    );
  const getProfile = async (address: string) =>
    (await (await profileRoute.GET(browserRequest(`/api/profile?address=${address}`, { method: "GET", cookie: "" }), ctx)).json()) as {
      profile: { name: string; avatarCid: string | null; updatedAt: number; documentCid: string } | null;
    };
  const follow = (cookie: string, body: unknown) =>
    followRoute.POST(
      browserRequest("/api/follows", {
        method: "POST",
        cookie,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      ctx,
    );
  const followed = async (cookie: string) =>
    (
      (await (await followRoute.GET(browserRequest("/api/follows", { method: "GET", cookie }), ctx)).json()) as {
        creators: { address: string; name: string | null }[];
      }
    ).creators;
  const show = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v));
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

  before(async () => {
    services = await installWebServices(dir);
    g.__aiFilmsIndexCaughtUp = true; // no background indexer here: the films rows are written below
    await services.db.query(
      `INSERT INTO films (film_id, creator, owner, metadata_uri, duration_seconds, price_per_view, minted_block, minted_at, minted_tx, metadata_status, title, creator_name)
       VALUES (1, $1, $1, 'ipfs://x', 60, 0, 1, 1, '0x', 'ok', 'Fractal Dawn', 'Metadata Name')`,
      [creator.address.toLowerCase()],
    );
    [profileRoute, avatarRoute, followRoute] = await Promise.all([
      loadRoute("api/profile/route.ts"),
      loadRoute("api/profile/avatar/route.ts"),
      loadRoute("api/follows/route.ts"),
    ]);
    viewerCookie = await signInAs(services.serving.auth, viewer, services.chain.chainId);
    creatorCookie = await signInAs(services.serving.auth, creator, services.chain.chainId);
  });

  after(async () => {
    delete g.__aiFilmsIndexCaughtUp;
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("profiles", () => {
    it("refuses a profile signed by another wallet than the one it names", async () => {
      const profile = profileOf(creator, { name: "Impostor" });
      const res = await postProfile(profile, await sign(other, profile));
      expect(res.status).to.equal(401);
      expect(await errorOf(res)).to.equal("bad-signature");
      expect((await getProfile(creator.address)).profile).to.equal(null);
    });

    it("refuses a signature over other fields than the ones sent", async () => {
      const profile = profileOf(creator);
      const res = await postProfile({ ...profile, name: "Swapped" }, await sign(creator, profile));
      expect(res.status).to.equal(401);
    });

    it("publishes a signed profile to IPFS and the database; pages show its name instead of the metadata's", async () => {
      const profile = profileOf(creator, { updatedAt: BigInt(now() - 100) });
      const res = await postProfile(profile, await sign(creator, profile));
      expect(res.status, await res.clone().text()).to.equal(200);
      const stored = (await getProfile(creator.address)).profile!;
      expect(stored.name).to.equal("Ada Frames");
      // The signed document is content-addressed in the store, signature and all.
      const doc = JSON.parse(new TextDecoder().decode(await services.ipfs.catBytes(stored.documentCid)));
      expect(doc.profile.name).to.equal("Ada Frames");
      expect(doc.signature).to.match(/^0x[0-9a-f]{130}$/);
      const [film] = await listFilms(services.db, { sort: "new" });
      expect(film.creatorName).to.equal("Ada Frames");
      // Sending the same signed profile again changes nothing and is not an error.
      expect((await postProfile(profile, await sign(creator, profile))).status).to.equal(200);
    });

    it("refuses the replay of an older signed profile over a newer one", async () => {
      const old = profileOf(creator, { name: "Old Name", updatedAt: BigInt(now() - 50) });
      const oldSignature = await sign(creator, old);
      const newer = profileOf(creator, { name: "New Name", updatedAt: BigInt(now() - 10) });
      expect((await postProfile(newer, await sign(creator, newer))).status).to.equal(200);
      const replay = await postProfile(old, oldSignature);
      expect(replay.status).to.equal(409);
      expect(await errorOf(replay)).to.equal("profile-outdated");
      // The same signed time with other content is no newer either.
      const sameTime = profileOf(creator, { name: "Same Time", updatedAt: newer.updatedAt });
      expect((await postProfile(sameTime, await sign(creator, sameTime))).status).to.equal(409);
      expect((await getProfile(creator.address)).profile!.name).to.equal("New Name");
    });

    it("refuses invalid fields with the rule they break", async () => {
      const cases: [Partial<Profile>, RegExp][] = [
        [{ name: "" }, /1 to 50/],
        [{ name: "x".repeat(51) }, /1 to 50/],
        [{ name: "Ada\u202emarkcopy" }, /text-direction/],
        [{ name: "Ada\u200bFrames" }, /invisible/],
        [{ name: "Ada\u0007" }, /control/],
        [{ name: " Ada" }, /trimmed/],
        [{ name: "0xf39F…2266" }, /wallet address/],
        [{ bio: "b".repeat(501) }, /500/],
        [{ bio: "left\u2066right" }, /text-direction/],
        [{ links: ["http://ada.example"] }, /https/],
        [{ links: ["javascript:alert(1)"] }, /https/],
        [{ links: ["https://user:pw@ada.example"] }, /password/],
        [{ links: ["not a url"] }, /spaces|URL/],
        [{ links: Array.from({ length: 6 }, (_, i) => `https://ada.example/${i}`) }, /At most 5/],
        [{ avatar: "not-a-cid" }, /CID/],
        [{ updatedAt: BigInt(now() + 3_600) }, /future/],
      ];
      for (const [fields, reason] of cases) {
        const profile = profileOf(other, { updatedAt: BigInt(now()), ...fields });
        const res = await postProfile(profile, await sign(other, profile));
        const body = (await res.json()) as { error: string; message: string };
        expect(res.status, show(fields)).to.equal(400);
        expect(body.error).to.equal("invalid-profile");
        expect(body.message, show(fields)).to.match(reason);
      }
      for (const body of [
        {},
        { profile: profileOf(other) },
        { profile: { ...profileOf(other), updatedAt: "1", extra: 1 }, signature: "0x00" },
      ]) {
        const res = await profileRoute.POST(
          browserRequest("/api/profile", {
            method: "POST",
            cookie: "",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body, (_, v) => (typeof v === "bigint" ? String(v) : v)),
          }),
          ctx,
        );
        expect(res.status).to.equal(400);
        expect(await errorOf(res)).to.equal("malformed");
      }
      expect((await getProfile(other.address)).profile).to.equal(null);
    });

    it("takes an uploaded image as avatar, refuses non-images and CIDs of anything else", async () => {
      const upload = (cookie: string, type: string, body: Uint8Array<ArrayBuffer>) =>
        avatarRoute.POST(browserRequest("/api/profile/avatar", { method: "POST", cookie, headers: { "content-type": type }, body }), ctx);
      expect((await upload("", "image/png", PNG)).status).to.equal(401);
      const notImage = await upload(creatorCookie, "image/png", new TextEncoder().encode("<svg onload=alert(1)>"));
      expect(notImage.status).to.equal(400);
      expect(await errorOf(notImage)).to.equal("invalid-avatar");
      expect((await upload(creatorCookie, "image/svg+xml", PNG)).status).to.equal(400);
      const tooBig = await upload(creatorCookie, "image/png", new Uint8Array(600 * 1024).fill(1));
      expect(tooBig.status).to.equal(413);
      const ok = await upload(creatorCookie, "image/png", PNG);
      expect(ok.status).to.equal(200);
      const { cid } = (await ok.json()) as { cid: string };

      const textCid = await services.ipfs.addBytes(new TextEncoder().encode("just text, not an image"));
      const withText = profileOf(creator, { avatar: textCid, updatedAt: BigInt(now() - 5) });
      const refused = await postProfile(withText, await sign(creator, withText));
      expect(refused.status).to.equal(400);
      expect(await errorOf(refused)).to.equal("invalid-avatar");

      const withAvatar = profileOf(creator, { name: "Ada Frames", avatar: cid, updatedAt: BigInt(now() - 4) });
      expect((await postProfile(withAvatar, await sign(creator, withAvatar))).status).to.equal(200);
      expect((await getProfile(creator.address)).profile!.avatarCid).to.equal(cid);
      const [film] = await listFilms(services.db, { sort: "new" });
      expect(film.creatorAvatar).to.equal(cid);
    });

    it("answers GET for a wallet without a profile with null, and a non-address with 400", async () => {
      expect((await getProfile(viewer.address)).profile).to.equal(null);
      const res = await profileRoute.GET(browserRequest("/api/profile?address=bob", { method: "GET", cookie: "" }), ctx);
      expect(res.status).to.equal(400);
    });
  });

  describe("follows", () => {
    it("requires a session", async () => {
      expect((await follow("", { creator: creator.address, on: true })).status).to.equal(401);
      expect((await followRoute.GET(browserRequest("/api/follows", { method: "GET", cookie: "" }), ctx)).status).to.equal(401);
    });

    it("follows and unfollows a creator idempotently; the row and the count follow", async () => {
      expect((await follow(viewerCookie, { creator: creator.address, on: true })).status).to.equal(200);
      expect(await (await follow(viewerCookie, { creator: creator.address, on: true })).json()).to.deep.equal({
        creator: creator.address.toLowerCase(),
        following: true,
      });
      expect(await followed(viewerCookie)).to.have.length(1);
      expect((await followed(viewerCookie))[0]).to.include({ address: creator.address.toLowerCase(), name: "Ada Frames" });
      expect(await followerCount(services.db, creator.address)).to.equal(1);
      expect((await followedFilms(services.db, viewer.address)).map((f) => f.filmId)).to.deep.equal(["1"]);
      expect(await followed(creatorCookie)).to.deep.equal([]);

      expect((await follow(viewerCookie, { creator: creator.address, on: false })).status).to.equal(200);
      expect((await follow(viewerCookie, { creator: creator.address, on: false })).status).to.equal(200);
      expect(await followed(viewerCookie)).to.deep.equal([]);
      expect(await followerCount(services.db, creator.address)).to.equal(0);
      expect(await followedFilms(services.db, viewer.address)).to.deep.equal([]);
    });

    it("refuses a non-address, an unknown creator, oneself, and any body but exactly { creator, on }", async () => {
      const unknown = await follow(viewerCookie, { creator: privateKeyToAccount(generatePrivateKey()).address, on: true });
      expect(unknown.status).to.equal(404);
      expect(await errorOf(unknown)).to.equal("creator-unknown");
      const self = await follow(creatorCookie, { creator: creator.address, on: true });
      expect(self.status).to.equal(400);
      expect(await errorOf(self)).to.equal("follow-self");
      for (const body of [
        { creator: "bob.eth", on: true },
        { creator: "0x1234", on: true },
        { creator: creator.address.slice(0, -1) + "g", on: true },
        { creator: creator.address },
        { creator: creator.address, on: "yes" },
        { creator: creator.address, on: true, viewer: other.address },
        [],
        null,
      ]) {
        const res = await follow(viewerCookie, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(await errorOf(res)).to.equal("malformed");
      }
      expect(await followed(viewerCookie)).to.deep.equal([]);
    });
  });
});
