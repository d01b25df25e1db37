/**
 * The wagmi config (one per page, created on first use in the browser): the app's chain, the
 * wallets RainbowKit offers — browser-injected wallets always, WalletConnect-based ones only when
 * a project id is configured, the dev wallet only on a local chain.
 */
import { connectorsForWallets, type WalletList } from "@rainbow-me/rainbowkit";
import { coinbaseWallet, injectedWallet, metaMaskWallet, rainbowWallet, walletConnectWallet } from "@rainbow-me/rainbowkit/wallets";
import { QueryClient } from "@tanstack/react-query";
import { http } from "viem";
import { createConfig, type Config } from "wagmi";
import { APP_NAME, devAccountIndexes, IS_LOCAL_CHAIN, WALLETCONNECT_PROJECT_ID } from "../config";
import { appChain } from "./chain";
import { devWallets } from "./devWallet";

let config: Config | undefined;
let queryClient: QueryClient | undefined;

export function wagmiConfig(): Config {
  if (config) return config;
  const chain = appChain();
  const groups: WalletList = [];
  const devAccounts = devAccountIndexes();
  if (IS_LOCAL_CHAIN && devAccounts.length > 0) {
    groups.push({ groupName: "Local test accounts", wallets: devWallets(devAccounts, chain) });
  }
  groups.push({
    groupName: "Browser wallet",
    wallets: WALLETCONNECT_PROJECT_ID
      ? [injectedWallet, metaMaskWallet, rainbowWallet, coinbaseWallet, walletConnectWallet]
      : [injectedWallet],
  });
  const connectors = connectorsForWallets(groups, {
    appName: APP_NAME,
    // Only read by the WalletConnect-based wallets, which are listed only when it is set.
    projectId: WALLETCONNECT_PROJECT_ID ?? "unset",
  });
  config = createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: http(chain.rpcUrls.default.http[0]) },
    ssr: false,
    multiInjectedProviderDiscovery: true,
    pollingInterval: IS_LOCAL_CHAIN ? 1_000 : 4_000,
  });
  return config;
}

export function sharedQueryClient(): QueryClient {
  return (queryClient ??= new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } }));
}
