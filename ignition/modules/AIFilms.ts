// AI Films on a real network (an L2 such as Base): listings and market paying in an existing
// ERC-20, given as the `paymentToken` parameter (USDC). For a local chain use LocalAIFilms.ts,
// which deploys a TestDollar instead. Parameters: ignition/parameters/l2.example.json.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildMarket, paymentTokenArtifact } from "./market.ts";

export default buildModule("AIFilms", (m) => {
  const paymentToken = m.contractAt("PaymentToken", paymentTokenArtifact(), m.getParameter<string>("paymentToken"));
  const { listings, timelock, market, renewer, signedPurchases, splitterFactory } = buildMarket(m, paymentToken);
  return { paymentToken, listings, timelock, market, renewer, signedPurchases, splitterFactory };
});
