import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { RuntimeConfig } from "@/components/RuntimeConfig";
import { WalletSlot } from "@/components/slots";
import { APP_NAME, IS_LOCAL_CHAIN } from "@/lib/config";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: APP_NAME, template: `%s · ${APP_NAME}` },
  description: "Films made with AI, published and priced by their creators. Watch a free preview, buy a view or subscribe.",
};

export const viewport: Viewport = { themeColor: "#0d0f14", colorScheme: "dark" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: Next puts the proxy's CSP nonce on its scripts only then
  // (a prerendered page's scripts would carry none and be blocked).
  await connection();
  return (
    <html lang="en">
      <head>
        <RuntimeConfig />
      </head>
      <body>
        <header className="site-header">
          <Link href="/" className="brand" data-testid="nav-home">
            <span className="brand-mark" aria-hidden>
              ◆
            </span>{" "}
            {APP_NAME}
          </Link>
          <nav className="site-nav">
            <Link href="/" data-testid="nav-catalogue">
              Catalogue
            </Link>
            <Link href="/account" data-testid="nav-account">
              Account
            </Link>
            <Link href="/studio" data-testid="nav-studio">
              Studio
            </Link>
            <Link href="/payouts" data-testid="nav-payouts">
              Payouts
            </Link>
          </nav>
          <WalletSlot />
        </header>
        <main className="site-main">{children}</main>
        <footer className="site-footer">
          <p>
            Creators set their prices; subscriptions are split each month by what subscribers watched, from a tally anyone can check
            on-chain.{IS_LOCAL_CHAIN ? " Local chain: payments use test dollars." : ""}
          </p>
        </footer>
      </body>
    </html>
  );
}
