/**
 * The dev wallet: on a local chain only, a wallet that signs with one of Hardhat's funded test
 * accounts (from the public test mnemonic), so the whole app can be tried — and driven by browser
 * tests — without an extension. It is an EIP-1193 provider that answers account and signing
 * requests itself with a viem local account and forwards everything else to the chain's RPC;
 * transactions are signed here and sent raw.
 *
 * These keys are public knowledge; the connector refuses to exist on any chain but a local one.
 */
import type { Wallet } from "@rainbow-me/rainbowkit";
import {
  createWalletClient,
  getAddress,
  http,
  numberToHex,
  SwitchChainError,
  UserRejectedRequestError,
  type Address,
  type Chain,
  type Hex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { createConnector } from "wagmi";
import { IS_LOCAL_CHAIN } from "../config";

/** Hardhat's (and Anvil's) default mnemonic: public, for local test chains only. */
const TEST_MNEMONIC = "test test test test test test test test test test test junk";

const ICON =
  "data:image/svg+xml;base64," +
  btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28"><rect width="28" height="28" rx="6" fill="#f5a524"/>' +
      '<path d="M8 9h7a5 5 0 0 1 0 10H8z" fill="none" stroke="#111" stroke-width="2.5"/></svg>',
  );

type RpcRequest = { method: string; params?: unknown };

function devProvider(index: number, chain: Chain) {
  const account = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index });
  const transport = http(chain.rpcUrls.default.http[0], { retryCount: 0 });
  const wallet = createWalletClient({ account, chain, transport });
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();

  async function request({ method, params }: RpcRequest): Promise<unknown> {
    const p = (params ?? []) as unknown[];
    switch (method) {
      case "eth_accounts":
      case "eth_requestAccounts":
        return [account.address];
      case "eth_chainId":
        return numberToHex(chain.id);
      case "wallet_switchEthereumChain": {
        const wanted = Number((p[0] as { chainId: Hex }).chainId);
        if (wanted !== chain.id) throw new SwitchChainError(new Error(`The dev wallet only knows chain ${chain.id}.`));
        return null;
      }
      case "personal_sign": {
        const [data, address] = p as [Hex, Address];
        if (getAddress(address) !== account.address) throw new Error("The dev wallet can only sign for its own account.");
        return account.signMessage({ message: { raw: data } });
      }
      case "eth_signTypedData_v4": {
        const [address, json] = p as [Address, string];
        if (getAddress(address) !== account.address) throw new Error("The dev wallet can only sign for its own account.");
        const typed = JSON.parse(json);
        const { EIP712Domain: _domain, ...types } = typed.types ?? {};
        return account.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType, message: typed.message });
      }
      case "eth_sendTransaction": {
        const tx = p[0] as { to?: Address; data?: Hex; value?: Hex; gas?: Hex };
        return wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        });
      }
      case "eth_sign":
      case "eth_signTransaction":
        throw new UserRejectedRequestError(new Error(`The dev wallet does not support ${method}.`));
      default:
        return wallet.request({ method, params } as never);
    }
  }

  return {
    address: account.address,
    request,
    on(event: string, fn: (...args: unknown[]) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
    },
    removeListener(event: string, fn: (...args: unknown[]) => void) {
      listeners.get(event)?.delete(fn);
    },
  };
}

/** A wagmi connector for Hardhat account #index on `chain`. */
function devConnector(index: number, chain: Chain) {
  type Provider = ReturnType<typeof devProvider>;
  let provider: Provider | undefined;
  let connected = false;
  const storageKey = `aif.devwallet.${index}.connected`;
  return createConnector<Provider>((config) => ({
    id: `dev-wallet-${index}`,
    name: `Dev wallet #${index}`,
    type: "devWallet",
    async connect(parameters?: { chainId?: number; isReconnecting?: boolean; withCapabilities?: boolean }) {
      if (parameters?.chainId !== undefined && parameters.chainId !== chain.id) {
        throw new SwitchChainError(new Error(`The dev wallet only knows chain ${chain.id}.`));
      }
      const p = await this.getProvider();
      connected = true;
      try {
        localStorage.setItem(storageKey, "1");
      } catch {
        // storage unavailable: no reconnect after reload, nothing else lost
      }
      const accounts = [p.address];
      // wagmi 2.19 may ask for capabilities; the dev wallet has none.
      return {
        accounts: (parameters?.withCapabilities ? accounts.map((address) => ({ address, capabilities: {} })) : accounts) as never,
        chainId: chain.id,
      };
    },
    async disconnect() {
      connected = false;
      try {
        localStorage.removeItem(storageKey);
      } catch {
        // ignore
      }
    },
    async getAccounts() {
      return [(await this.getProvider()).address];
    },
    async getChainId() {
      return chain.id;
    },
    async getProvider() {
      provider ??= devProvider(index, chain);
      return provider;
    },
    async isAuthorized() {
      try {
        return connected || localStorage.getItem(storageKey) === "1";
      } catch {
        return connected;
      }
    },
    async switchChain({ chainId }) {
      if (chainId !== chain.id) throw new SwitchChainError(new Error(`The dev wallet only knows chain ${chain.id}.`));
      return chain;
    },
    onAccountsChanged(accounts) {
      config.emitter.emit("change", { accounts: accounts.map((a) => getAddress(a)) });
    },
    onChainChanged(chainId) {
      config.emitter.emit("change", { chainId: Number(chainId) });
    },
    onDisconnect() {
      config.emitter.emit("disconnect");
    },
  }));
}

/** RainbowKit wallet entries for the dev accounts; none unless the chain is local. */
export function devWallets(indexes: readonly number[], chain: Chain): Array<() => Wallet> {
  if (!IS_LOCAL_CHAIN) return [];
  return indexes.map((index) => () => ({
    id: `dev-wallet-${index}`,
    name: `Dev wallet · account #${index}`,
    shortName: `Dev #${index}`,
    iconUrl: ICON,
    iconBackground: "#f5a524",
    installed: true,
    createConnector: (details) => (config) => ({ ...devConnector(index, chain)(config), ...details }),
  }));
}

/** The address a dev account index signs as (shown in the quick-connect menu). */
export function devAddress(index: number): Address {
  return mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index }).address;
}
