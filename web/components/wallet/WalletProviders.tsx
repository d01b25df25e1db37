"use client";
/**
 * wagmi + react-query + RainbowKit around a wallet island. Every island shares the one wagmi
 * config and query client (module singletons), so they agree on the connected account; only the
 * header island mounts the RainbowKit modal (`withModal`), the others ask it to open by event.
 * Each restores a remembered connection on mount (wagmi runs one reconnect at a time): the header
 * island loads only when the visitor reaches for the wallet, so it cannot be the one to do it.
 */
import { darkTheme, RainbowKitProvider } from "@rainbow-me/rainbowkit";
import "@rainbow-me/rainbowkit/styles.css";
import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { WagmiProvider } from "wagmi";
import { sharedQueryClient, wagmiConfig } from "@/lib/wallet/config";

export function WalletProviders({ children, withModal = false }: { children: ReactNode; withModal?: boolean }) {
  return (
    <WagmiProvider config={wagmiConfig()} reconnectOnMount>
      <QueryClientProvider client={sharedQueryClient()}>
        {withModal ? (
          <RainbowKitProvider
            theme={darkTheme({ accentColor: "#f5a524", accentColorForeground: "#111", borderRadius: "medium" })}
            modalSize="compact"
          >
            {children}
          </RainbowKitProvider>
        ) : (
          children
        )}
      </QueryClientProvider>
    </WagmiProvider>
  );
}
