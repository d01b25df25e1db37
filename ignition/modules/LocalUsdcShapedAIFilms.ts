// AI Films on a local chain paying in a token shaped like Circle's USDC (contracts/test/UsdcShapedToken.sol:
// six decimals, permit under domain version "2", DOMAIN_SEPARATOR() and no EIP-5267), so the app's
// permit path can be tried locally against what a real network has. TEST ONLY: chosen by
// `LOCAL_PAYMENT_TOKEN=usdc-shaped npm start` and by the browser test of that token. Parameters: the
// same as LocalAIFilms (ignition/parameters/local.json; scripts/start.ts renames the key).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildMarket } from "./market.ts";

export default buildModule("LocalUsdcShapedAIFilms", (m) => {
  // Same future id as the other modules' token, so exported deployments look alike.
  const paymentToken = m.contract("UsdcShapedToken", [], { id: "PaymentToken" });
  const { listings, market } = buildMarket(m, paymentToken);
  return { paymentToken, listings, market };
});
