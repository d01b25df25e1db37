/**
 * The settings the browser reads at run time (see RUNTIME_META in lib/config.ts), rendered by the
 * server per request into the page's <head>: a production build is not tied to the local chain's
 * port or the dev wallet's accounts.
 */
import { devAccountIndexes, publicRpcUrl, RUNTIME_META } from "@/lib/config";

export function RuntimeConfig() {
  return (
    <>
      <meta name={RUNTIME_META.rpcUrl} content={publicRpcUrl()} />
      <meta name={RUNTIME_META.devAccounts} content={devAccountIndexes().join(",")} />
    </>
  );
}
