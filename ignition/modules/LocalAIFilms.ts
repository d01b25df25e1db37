// AI Films on a local chain (Hardhat's in-process network or `npx hardhat node`): a TestDollar
// with a faucet and permit as the payment token, then the same listings and market as on a real
// network. Parameters: ignition/parameters/local.json, with a one-minute timelock so the demo's
// governance can be tried by hand (a real network waits days).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildMarket } from "./market.ts";

export default buildModule("LocalAIFilms", (m) => {
  // Same future id as AIFilms' token, so exported deployments look alike on every chain.
  const paymentToken = m.contract("TestDollar", [], { id: "PaymentToken" });
  const { listings, timelock, market, renewer, signedPurchases, splitterFactory } = buildMarket(m, paymentToken);
  return { paymentToken, listings, timelock, market, renewer, signedPurchases, splitterFactory };
});
