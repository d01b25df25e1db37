/**
 * POST /api/rpc — the browser's JSON-RPC endpoint when NEXT_PUBLIC_RPC_URL is unset: forwards to
 * the server's RPC_URL. Only the standard read methods and eth_sendRawTransaction pass, so a
 * visitor can never reach a local node's admin methods (evm_*, anvil_*, hardhat_*) or its unlocked
 * accounts (eth_sendTransaction, eth_sign). Transactions are signed in the wallet.
 */
import { z } from "zod";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { serverEnv } from "@/lib/server/env";
import { rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const ALLOWED = new Set([
  "eth_chainId",
  "net_version",
  "web3_clientVersion",
  "eth_blockNumber",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_call",
  "eth_estimateGas",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getTransactionCount",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  "eth_getLogs",
  "eth_sendRawTransaction",
  "eth_syncing",
]);

const Call = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
  method: z.string().max(64),
  params: z.array(z.unknown()).max(16).optional(),
});
const Body = z.union([Call, z.array(Call).min(1).max(20)]);

export const POST = (request: Request) =>
  guarded(async () => {
    const limited = await rateLimited("rpc", request);
    if (limited) return limited;
    const parsed = Body.safeParse(await readJson(request, 256 * 1024));
    if (!parsed.success) return refuse("malformed", "Send a JSON-RPC 2.0 request (or a batch of at most 20).");
    const calls = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    const refused = calls.find((c) => !ALLOWED.has(c.method));
    if (refused) return refuse("method-refused", `The method ${refused.method} is not available through this endpoint.`);
    // The relay's writes: transactions are signed in the wallet, but each one costs the node work.
    if (calls.some((c) => c.method === "eth_sendRawTransaction")) {
      const limitedSend = await rateLimited("rpcSendTransaction", request);
      if (limitedSend) return limitedSend;
    }
    let upstream: Response;
    try {
      upstream = await fetch(serverEnv.rpcUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(parsed.data),
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      return refuse("chain-unavailable", "The chain's RPC is not answering; try again shortly.");
    }
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
  });
