/**
 * A local stand-in for Livepeer Studio's API, which is unreachable from here (and from CI). It
 * implements only the endpoints our client calls, with the request and response shapes of
 * Livepeer's API reference (livepeer/studio, packages/api/src/schema/api-schema.yaml):
 *
 *   POST /api/asset/request-upload          { name, storage?, playbackPolicy? }
 *                                           → { url, tusEndpoint, asset, task: { id } }
 *   tus  /api/asset/upload/tus?token=…      resumable upload (a real tus server: @tus/server + @tus/file-store)
 *   DELETE /api/asset/{id}                  → 204 (the asset is gone; later GETs answer 404)
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
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "@tus/file-store";
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
  failNextAsset(errorMessage: string): void;
  failNextExport(errorMessage: string): void;
  close(): Promise<void>;
}

const TUS_PATH = "/api/asset/upload/tus";

export async function startLivepeerStudioServer(options: { apiKey?: string } = {}): Promise<LivepeerStudioServer> {
  const apiKey = options.apiKey ?? `test-key-${randomBytes(8).toString("hex")}`;
  const uploadDir = mkdtempSync(join(tmpdir(), "livepeer-standin-"));
  const assets = new Map<string, StandInAsset>();
  const uploadTokens = new Map<string, string>(); // token → asset id
  const signingKeys = new Map<string, { id: string; name: string; createdAt: number; publicKey: string; disabled: boolean }>();
  const requests: LivepeerStudioServer["requests"] = [];
  const tusRequests: string[] = [];
  const deleted: string[] = [];
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
      const upload = body as RequestUploadBody | undefined;
      if (typeof upload?.name !== "string" || upload.name.length === 0) return send(res, 422, { errors: ["name is required"] });
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
      if (!assets.delete(id)) return send(res, 404, { errors: ["not found"] });
      deleted.push(id);
      res.writeHead(204).end();
      return;
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
      ...(asset.playbackId
        ? { playbackId: asset.playbackId, playbackUrl: `https://livepeercdn.studio/hls/${asset.playbackId}/index.m3u8` }
        : {}),
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
