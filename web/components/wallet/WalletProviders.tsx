"use client";
/**
 * wagmi + react-query + RainbowKit around a wallet island. Every island shares the one wagmi
 * config and query client (module singletons), so they agree on the connected account; only the
 * header island mounts the RainbowKit modal (`withModal`), the others ask it to open by event.
 * Each restores a remembered connection on mount (wagmi runs one reconnect at a time): the header
 * island loads only when the visitor reaches for the wallet, so it cannot be the one to do it.
 * RainbowKit's modal speaks the page's language (its own translations, chosen by `locale`).
 */
import { darkTheme, RainbowKitProvider, type Locale as RainbowKitLocale } from "@rainbow-me/rainbowkit";
import "@rainbow-me/rainbowkit/styles.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { useLocale } from "next-intl";
import type { ReactNode } from "react";
import { WagmiProvider } from "wagmi";
import type { Locale } from "@/i18n/locales";
import { sharedQueryClient, wagmiConfig } from "@/lib/wallet/config";

/** Our languages in RainbowKit's names (its only Spanish is Latin American, in tú-form like ours). */
const RAINBOWKIT_LOCALES: Record<Locale, RainbowKitLocale> = { en: "en-US", de: "de-DE", es: "es-419" };

export function WalletProviders({ children, withModal = false }: { children: ReactNode; withModal?: boolean }) {
  const locale = useLocale();
  return (
    <WagmiProvider config={wagmiConfig()} reconnectOnMount>
      <QueryClientProvider client={sharedQueryClient()}>
        {withModal ? (
          <RainbowKitProvider
            theme={darkTheme({ accentColor: "#f5a524", accentColorForeground: "#111", borderRadius: "medium" })}
            modalSize="compact"
            locale={RAINBOWKIT_LOCALES[locale]}
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
