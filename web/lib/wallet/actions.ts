/**
 * The wallet's actions without React: wagmi's core actions on the one shared config. Loaded only
 * through `./lazy` when an island needs the wallet (a click on Claim, Mint, Save…), so a page that
 * merely shows forms carries none of wagmi, RainbowKit's connectors or the WalletConnect stack.
 */
import type { Abi, Address, Hex, TransactionReceipt } from "viem";
import { getAccount, readContract, reconnect, switchChain, waitForTransactionReceipt, watchAccount, writeContract } from "wagmi/actions";
import { testDollarAbi } from "@ai-films/core/chain/abis";
import { CHAIN_ID } from "../config";
import { wagmiConfig } from "./config";

export interface WalletAccount {
  address: Address | undefined;
  chainId: number | undefined;
  isConnected: boolean;
}

let restoring: Promise<void> | undefined;

/** Waits while wagmi is (re)connecting: the header's provider may be restoring the same session. */
function settled(): Promise<void> {
  const config = wagmiConfig();
  const busy = () => ["connecting", "reconnecting"].includes(getAccount(config).status);
  if (!busy()) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = watchAccount(config, {
      onChange() {
        if (busy()) return;
        stop();
        resolve();
      },
    });
  });
}

/** The wallet's account, after restoring a remembered connection once per page. */
export async function account(): Promise<WalletAccount> {
  const config = wagmiConfig();
  restoring ??= (async () => {
    await settled();
    if (getAccount(config).status === "disconnected") await reconnect(config).catch(() => undefined);
  })();
  await restoring;
  await settled();
  const { address, chainId, isConnected } = getAccount(config);
  return { address, chainId, isConnected };
}

export async function toAppChain(): Promise<void> {
  const { chainId } = getAccount(wagmiConfig());
  if (chainId !== CHAIN_ID) await switchChain(wagmiConfig(), { chainId: CHAIN_ID });
}

/**
 * Sends a contract call from the connected wallet on the app's chain and waits for its receipt;
 * `submitted` runs once the wallet has signed (the UI moves from "confirm" to "waiting").
 */
export async function send(
  request: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] },
  submitted?: (hash: Hex) => void,
): Promise<{ hash: Hex; receipt: TransactionReceipt }> {
  const config = wagmiConfig();
  const hash = await writeContract(config, { ...request, chainId: CHAIN_ID } as Parameters<typeof writeContract>[1]);
  submitted?.(hash);
  const receipt = await waitForTransactionReceipt(config, { hash, chainId: CHAIN_ID });
  return { hash, receipt };
}

export function tokenBalance(token: Address, owner: Address): Promise<bigint> {
  return readContract(wagmiConfig(), { address: token, abi: testDollarAbi, functionName: "balanceOf", args: [owner], chainId: CHAIN_ID });
}
