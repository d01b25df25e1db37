/**
 * A local stand-in for Livepeer Studio's API, which is unreachable from here (and from CI). It
 * implements only the endpoints our client calls, with the request and response shapes of
 * Livepeer's API reference (livepeer/studio, packages/api/src/schema/api-schema.yaml), and it
 * checks requests against that schema, not against what our client happens to send:
 *
 *   POST /api/asset/request-upload          new-asset-payload: { name, storage?, playbackPolicy?, profiles?, … }
 *                                           → { url, tusEndpoint, asset, task: { id } }; 422 for a field the
 *                                           schema does not list (additionalProperties: false) or a profile
 *                                           outside transcode-profile (width/height < 128, bitrate < 400, …)
 *   tus  /api/asset/upload/tus?token=…      resumable upload (a real tus server: @tus/server + @tus/file-store)
 *   DELETE /api/asset/{id}                  → 204 (the asset is gone; later GETs answer 404); deleting it
 *                                           again → 400 "asset is already being deleted", as Studio answers
 *   GET  /api/playback/{playbackId}         → playback-info { type: "vod", meta: { live: 0, playbackPolicy,
 *                                             source: [{ hrn: "HLS (TS)", type, url }] } }
 *   GET  /asset/hls/{playbackId}/index.m3u8 the playback edge for recorded assets: a JWT-policy asset plays only
 *                                           with a `Livepeer-Jwt` header (or `jwt` query) signed by a key
 *                                           created here; `/hls/…` (the live-stream route) serves no asset
 *   GET  /api/asset/{id}                    → asset { id, name, playbackId, status: { phase, progress,
 *                                             errorMessage, updatedAt }, storage: { ipfs: { cid, url,
 *                                             gatewayUrl }, status: { phase, progress } }, … }
 *   POST /api/access-control/signing-key    → { id, name, createdAt, publicKey, privateKey, disabled }
 *   GET  /api/access-control/signing-key/{id} → the same without privateKey
 *
 * Keys are ES256 (P-256) pairs, handed out as base64 of their PEM, as Studio does. Errors are
 * `{ errors: [string] }`. Processing is simulated and driven by polls: once the upload is complete,
 * each GET of the asset moves it one step (processing 33 % → 66 % → ready, then the IPFS export
 * processing → ready with a CID of the uploaded bytes), so tests run fast and deterministically.
 * `failNextAsset` / `failNextExport` make the next uploaded asset fail as Studio reports it.
 *
 * Where it simplifies (docs/livepeer.md says so too): the playlist it serves is a stub master
 * playlist with no media behind it; the schema checks cover the request-upload payload and its
 * profiles, not every format rule; a deleted asset disappears at once instead of passing through
 * the "deleting" phase; the IPFS export's CID is of the uploaded bytes, as Studio's export pins
 * the original file.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "@tus/file-store";
import { importSPKI, jwtVerify } from "jose";
import { Server as TusServer } from "@tus/server";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { create as createDigest } from "multiformats/hashes/digest";

type Phase = "waiting" | "processing" | "ready" | "failed";

export interface StandInAsset {
  id: string;
  name: string;
  playbackId?: string;
  playbackPolicy?: { type: string };
  exportToIpfs: boolean;
  phase: Phase;
  progress: number;
  errorMessage?: string;
  exportPhase?: "waiting" | "processing" | "ready" | "failed";
  exportError?: string;
  cid?: string;
  uploaded?: Buffer;
  createdAt: number;
  updatedAt: number;
  failWith?: string;
  failExportWith?: string;
}

/** The fields the stand-in reads from a request-upload body; a client may send anything. */
interface RequestUploadBody {
  name?: unknown;
  playbackPolicy?: { type: string };
  storage?: { ipfs?: unknown };
}

export interface LivepeerStudioServer {
  /** The API base URL to give the client, e.g. http://127.0.0.1:41234/api */
  url: string;
  apiKey: string;
  /** Every API call (not the tus traffic): method, path, parsed JSON body, Authorization header. */
  requests: Array<{ method: string; path: string; body?: unknown; authorization?: string }>;
  /** tus requests by method, to check the upload really was chunked/resumed. */
  tusRequests: string[];
  assets: Map<string, StandInAsset>;
  /** Ids of the assets deleted through the API. */
  deleted: string[];
  /** Origin of the playback edge (`<origin>/asset/hls/<playbackId>/index.m3u8`). */
  playbackOrigin: string;
  failNextAsset(errorMessage: string): void;
  failNextExport(errorMessage: string): void;
  close(): Promise<void>;
}

const TUS_PATH = "/api/asset/upload/tus";

// What Studio's API schema accepts (api-schema.yaml, new-asset-payload, transcode-profile,
// playback-policy); every object there has additionalProperties: false.
const NEW_ASSET_FIELDS = new Set([
  "name",
  "projectId",
  "staticMp4",
  "playbackPolicy",
  "creatorId",
  "storage",
  "encryption",
  "c2pa",
  "profiles",
  "targetSegmentSizeSecs",
]);
const PROFILE_FIELDS = new Set(["width", "name", "height", "bitrate", "quality", "fps", "fpsDen", "gop", "profile", "encoder"]);
const PLAYBACK_POLICY_FIELDS = new Set(["type", "webhookId", "webhookContext", "refreshInterval", "allowedOrigins"]);
const MIN_PROFILE_DIMENSION = 128;
const MIN_PROFILE_BITRATE = 400;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const unknownFields = (value: Record<string, unknown>, allowed: Set<string>) => Object.keys(value).filter((key) => !allowed.has(key));

/** Why Studio would refuse this request-upload body with 422, or null when its schema accepts it. */
function newAssetPayloadError(body: unknown): string | null {
  if (!isObject(body)) return "request body must be an object";
  const extra = unknownFields(body, NEW_ASSET_FIELDS);
  if (extra.length > 0) return `should NOT have additional properties: ${extra.join(", ")}`;
  if (typeof body.name !== "string" || body.name.length === 0) return "name is required";
  if (body.playbackPolicy !== undefined) {
    const policy = body.playbackPolicy;
    if (!isObject(policy)) return "playbackPolicy must be an object";
    const extraPolicy = unknownFields(policy, PLAYBACK_POLICY_FIELDS);
    if (extraPolicy.length > 0) return `playbackPolicy should NOT have additional properties: ${extraPolicy.join(", ")}`;
    if (!["public", "jwt", "webhook"].includes(policy.type as string)) return "playbackPolicy.type must be public, jwt or webhook";
  }
  if (body.storage !== undefined) {
    if (!isObject(body.storage)) return "storage must be an object";
    const extraStorage = unknownFields(body.storage, new Set(["ipfs"]));
    if (extraStorage.length > 0) return `storage should NOT have additional properties: ${extraStorage.join(", ")}`;
    const ipfs = body.storage.ipfs;
    if (!(
      ipfs === undefined ||
      ipfs === null ||
      typeof ipfs === "boolean" ||
      (isObject(ipfs) && unknownFields(ipfs, new Set(["spec"])).length === 0)
    )) {
      return "storage.ipfs must be a boolean, null or { spec }";
    }
  }
  if (body.profiles !== undefined) {
    if (!Array.isArray(body.profiles)) return "profiles must be an array";
    for (const [i, profile] of (body.profiles as unknown[]).entries()) {
      if (!isObject(profile)) return `profiles[${i}] must be an object`;
      const extraProfile = unknownFields(profile, PROFILE_FIELDS);
      if (extraProfile.length > 0) return `profiles[${i}] should NOT have additional properties: ${extraProfile.join(", ")}`;
      if (!Number.isInteger(profile.bitrate) || (profile.bitrate as number) < MIN_PROFILE_BITRATE) {
        return `profiles[${i}].bitrate must be an integer >= ${MIN_PROFILE_BITRATE}`;
      }
      for (const side of ["width", "height"] as const) {
        const value = profile[side];
        if (value !== undefined && (!Number.isInteger(value) || (value as number) < MIN_PROFILE_DIMENSION)) {
          return `profiles[${i}].${side} must be an integer >= ${MIN_PROFILE_DIMENSION}`;
        }
      }
      if (profile.name !== undefined && (typeof profile.name !== "string" || profile.name.length === 0 || profile.name.length > 500)) {
        return `profiles[${i}].name must be a string of 1–500 characters`;
      }
    }
  }
  return null;
}

export async function startLivepeerStudioServer(options: { apiKey?: string } = {}): Promise<LivepeerStudioServer> {
  const apiKey = options.apiKey ?? `test-key-${randomBytes(8).toString("hex")}`;
  const uploadDir = mkdtempSync(join(tmpdir(), "livepeer-standin-"));
  const assets = new Map<string, StandInAsset>();
  const uploadTokens = new Map<string, string>(); // token → asset id
  const signingKeys = new Map<string, { id: string; name: string; createdAt: number; publicKey: string; disabled: boolean }>();
  const requests: LivepeerStudioServer["requests"] = [];
  const tusRequests: string[] = [];
  const deleted: string[] = [];
  const beingDeleted = new Set<string>();
  let nextFailure: string | undefined;
  let nextExportFailure: string | undefined;
  let origin = "";

  const tus = new TusServer({
    path: TUS_PATH,
    datastore: new FileStore({ directory: uploadDir }),
    // The upload is named after the asset its token belongs to; an unknown token is refused.
    namingFunction(req) {
      const token = new URL(req.url).searchParams.get("token") ?? "";
      const assetId = uploadTokens.get(token);
      if (!assetId) throw { status_code: 401, body: JSON.stringify({ errors: ["invalid upload token"] }) };
      return assetId;
    },
    async onUploadFinish(_req, upload) {
      const asset = assets.get(upload.id);
      if (asset) {
        asset.uploaded = readFileSync(join(uploadDir, upload.id));
        asset.phase = "processing";
        asset.progress = 0;
        asset.updatedAt = Date.now();
      }
      return {};
    },
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    if (!url.pathname.startsWith("/api/")) {
      servePlayback(req, res, url).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { errors: [(error as Error).message] });
      });
      return;
    }
    if (url.pathname === TUS_PATH || url.pathname.startsWith(`${TUS_PATH}/`)) {
      tusRequests.push(req.method ?? "?");
      tus.handle(req, res).catch((error) => send(res, 500, { errors: [String(error)] }));
      return;
    }
    handleApi(req, res, url).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: [(error as Error).message] });
    });
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = await readJson(req);
    requests.push({ method: req.method ?? "", path: url.pathname, body, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, 401, { errors: ["Unauthorized: invalid API key"] });

    if (req.method === "POST" && url.pathname === "/api/asset/request-upload") {
      const invalid = newAssetPayloadError(body);
      if (invalid) return send(res, 422, { errors: [invalid] });
      const upload = body as RequestUploadBody & { name: string };
      const now = Date.now();
      const asset: StandInAsset = {
        id: randomUUID(),
        name: upload.name,
        playbackPolicy: upload.playbackPolicy,
        exportToIpfs: upload.storage?.ipfs === true || typeof upload.storage?.ipfs === "object",
        phase: "waiting",
        progress: 0,
        createdAt: now,
        updatedAt: now,
        failWith: nextFailure,
        failExportWith: nextExportFailure,
      };
      nextFailure = nextExportFailure = undefined;
      assets.set(asset.id, asset);
      const token = randomBytes(16).toString("hex");
      uploadTokens.set(token, asset.id);
      return send(res, 200, {
        url: `${origin}/api/asset/upload/direct?token=${token}`,
        tusEndpoint: `${origin}${TUS_PATH}?token=${token}`,
        asset: assetJson(asset),
        task: { id: randomUUID() },
      });
    }

    const assetMatch = /^\/api\/asset\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && assetMatch) {
      const asset = assets.get(decodeURIComponent(assetMatch[1]));
      if (!asset) return send(res, 404, { errors: ["not found"] });
      advance(asset);
      return send(res, 200, assetJson(asset));
    }
    if (req.method === "DELETE" && assetMatch) {
      const id = decodeURIComponent(assetMatch[1]);
      if (beingDeleted.has(id)) return send(res, 400, { errors: ["asset is already being deleted"] });
      if (!assets.delete(id)) return send(res, 404, { errors: ["not found"] });
      beingDeleted.add(id);
      deleted.push(id);
      res.writeHead(204).end();
      return;
    }

    const playbackMatch = /^\/api\/playback\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && playbackMatch) {
      const asset = assetByPlaybackId(decodeURIComponent(playbackMatch[1]));
      if (!asset) return send(res, 404, { errors: ["not found"] });
      return send(res, 200, {
        type: "vod",
        meta: {
          live: 0,
          ...(asset.playbackPolicy ? { playbackPolicy: asset.playbackPolicy } : {}),
          source: [{ hrn: "HLS (TS)", type: "html5/application/vnd.apple.mpegurl", url: hlsUrl(asset.playbackId!) }],
        },
      });
    }

    if (req.method === "POST" && url.pathname === "/api/access-control/signing-key") {
      const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const key = {
        id: randomUUID(),
        name: "Signing Key",
        createdAt: Date.now(),
        publicKey: Buffer.from(publicKey.export({ type: "spki", format: "pem" }) as string).toString("base64"),
        disabled: false,
      };
      signingKeys.set(key.id, key);
      const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
      return send(res, 200, { ...key, privateKey: Buffer.from(privatePem).toString("base64") });
    }
    const keyMatch = /^\/api\/access-control\/signing-key\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && keyMatch) {
      const key = signingKeys.get(decodeURIComponent(keyMatch[1]));
      return key ? send(res, 200, key) : send(res, 404, { errors: ["signing key not found"] });
    }
    return send(res, 404, { errors: ["not found"] });
  }

  function assetByPlaybackId(playbackId: string): StandInAsset | undefined {
    return [...assets.values()].find((a) => a.playbackId === playbackId && a.phase === "ready");
  }

  const hlsUrl = (playbackId: string) => `${origin}/asset/hls/${encodeURIComponent(playbackId)}/index.m3u8`;

  /**
   * The playback edge: recorded assets only under /asset/hls/<playbackId>/; a JWT-policy asset
   * needs a token whose `pub` is a signing key created here, signed by it, for this playback id.
   */
  async function servePlayback(req: IncomingMessage, res: ServerResponse, url: URL) {
    const match = /^\/asset\/hls\/([^/]+)\/index\.m3u8$/.exec(url.pathname);
    const asset = match && req.method === "GET" ? assetByPlaybackId(decodeURIComponent(match[1])) : undefined;
    if (!asset) return send(res, 404, { errors: ["not found"] });
    if (asset.playbackPolicy?.type === "jwt") {
      const token = (req.headers["livepeer-jwt"] as string | undefined) ?? url.searchParams.get("jwt") ?? "";
      if (!(await playbackAllowed(token, asset.playbackId!))) return send(res, 401, { errors: ["access denied"] });
    }
    res.writeHead(200, { "Content-Type": "application/vnd.apple.mpegurl" });
    res.end("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p0/index.m3u8\n");
  }

  async function playbackAllowed(token: string, playbackId: string): Promise<boolean> {
    try {
      const pub = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).pub as string;
      if (![...signingKeys.values()].some((key) => key.publicKey === pub && !key.disabled)) return false;
      const key = await importSPKI(Buffer.from(pub, "base64").toString("utf8"), "ES256");
      const { payload } = await jwtVerify(token, key, { algorithms: ["ES256"], subject: playbackId });
      return payload.iat === undefined || payload.iat <= Math.floor(Date.now() / 1000);
    } catch {
      return false;
    }
  }

  /** One processing step per poll, once the bytes are in. */
  function advance(asset: StandInAsset) {
    if (!asset.uploaded || asset.phase === "failed") return;
    asset.updatedAt = Date.now();
    if (asset.phase === "processing") {
      if (asset.failWith) {
        asset.phase = "failed";
        asset.errorMessage = asset.failWith;
        return;
      }
      if (asset.progress < 0.6) {
        asset.progress = Math.round((asset.progress + 0.33) * 100) / 100;
        return;
      }
      asset.phase = "ready";
      asset.progress = 1;
      asset.playbackId = randomBytes(8).toString("hex");
      if (asset.exportToIpfs) asset.exportPhase = "waiting";
      return;
    }
    if (asset.phase === "ready" && asset.exportToIpfs) {
      if (asset.exportPhase === "waiting") asset.exportPhase = "processing";
      else if (asset.exportPhase === "processing") {
        if (asset.failExportWith) {
          asset.exportPhase = "failed";
          asset.exportError = asset.failExportWith;
        } else {
          asset.exportPhase = "ready";
          asset.cid = rawCid(asset.uploaded);
        }
      }
    }
  }

  function assetJson(asset: StandInAsset) {
    return {
      id: asset.id,
      name: asset.name,
      ...(asset.playbackId ? { playbackId: asset.playbackId, playbackUrl: hlsUrl(asset.playbackId) } : {}),
      ...(asset.playbackPolicy ? { playbackPolicy: asset.playbackPolicy } : {}),
      source: { type: "directUpload" },
      createdAt: asset.createdAt,
      status: {
        phase: asset.phase,
        updatedAt: asset.updatedAt,
        ...(asset.phase === "processing" ? { progress: asset.progress } : {}),
        ...(asset.errorMessage ? { errorMessage: asset.errorMessage } : {}),
      },
      ...(asset.exportToIpfs
        ? {
            storage: {
              ipfs: asset.cid
                ? { spec: {}, cid: asset.cid, url: `ipfs://${asset.cid}`, gatewayUrl: `https://ipfs.example/ipfs/${asset.cid}` }
                : { spec: {} },
              ...(asset.exportPhase
                ? {
                    status: {
                      phase: asset.exportPhase,
                      progress: asset.exportPhase === "ready" ? 1 : asset.exportPhase === "processing" ? 0.5 : 0,
                      ...(asset.exportError ? { errorMessage: asset.exportError } : {}),
                    },
                  }
                : {}),
            },
          }
        : {}),
      ...(asset.uploaded ? { size: asset.uploaded.byteLength } : {}),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/api`,
    apiKey,
    requests,
    tusRequests,
    assets,
    deleted,
    playbackOrigin: origin,
    failNextAsset: (message) => void (nextFailure = message),
    failNextExport: (message) => void (nextExportFailure = message),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

function rawCid(bytes: Uint8Array): string {
  const digest = createDigest(0x12, createHash("sha256").update(bytes).digest());
  return CID.create(1, raw.code, digest).toString();
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}
