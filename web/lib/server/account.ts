/** A viewer's account page data: the indexer's accountOverview at chain-aligned "now". */
import "server-only";
import type { Address } from "viem";
import { accountOverview as overviewOf, type AccountOverview } from "./catalog";
import { chainNow } from "./chainTime";

export async function accountOverview(address: Address): Promise<AccountOverview & { now: number }> {
  const now = await chainNow();
  return { ...(await overviewOf(address, now)), now };
}
