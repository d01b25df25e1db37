import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LocaleSwitcher } from "@/components/LocaleSwitcher";
import { clientMessages } from "@/i18n/clientMessages";
import { RuntimeConfig } from "@/components/RuntimeConfig";
import { WalletSlot } from "@/components/slots";
import { APP_NAME, IS_LOCAL_CHAIN } from "@/lib/config";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return { title: { default: APP_NAME, template: `%s · ${APP_NAME}` }, description: t("description") };
}

export const viewport: Viewport = { themeColor: "#0d0f14", colorScheme: "dark" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: Next puts the proxy's CSP nonce on its scripts only then
  // (a prerendered page's scripts would carry none and be blocked).
  await connection();
  const [locale, t, messages] = await Promise.all([getLocale(), getTranslations("common"), clientMessages()]);
  return (
    <html lang={locale}>
      <head>
        <RuntimeConfig />
      </head>
      <body>
        {/* The catalogues client components read reach them through this provider (with the locale and UTC). */}
        <NextIntlClientProvider messages={messages}>
          <a href="#main" className="skip-link">
            {t("skipToContent")}
          </a>
          <header className="site-header">
            <Link href="/" className="brand" data-testid="nav-home">
              <span className="brand-mark" aria-hidden>
                ◆
              </span>{" "}
              {APP_NAME}
            </Link>
            <nav className="site-nav" aria-label={t("nav.label")}>
              <Link href="/" data-testid="nav-catalogue">
                {t("nav.catalogue")}
              </Link>
              <Link href="/account" data-testid="nav-account">
                {t("nav.account")}
              </Link>
              <Link href="/studio" data-testid="nav-studio">
                {t("nav.studio")}
              </Link>
              <Link href="/payouts" data-testid="nav-payouts">
                {t("nav.payouts")}
              </Link>
            </nav>
            <WalletSlot />
            <LocaleSwitcher />
          </header>
          <main className="site-main" id="main" tabIndex={-1}>
            {children}
          </main>
          <footer className="site-footer">
            <p>
              {t("footer")}
              {IS_LOCAL_CHAIN ? ` ${t("localChain")}` : ""}
            </p>
          </footer>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
