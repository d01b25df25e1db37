"use client";
/** A wallet's ENS name through wagmi's useEnsName, on a chain that has ENS (see EnsNameSlot). */
import type { Address } from "viem";
import { useEnsName } from "wagmi";
import { CHAIN_ID } from "@/lib/config";
import { WalletProviders } from "./WalletProviders";

export default function EnsNameIsland({ address }: { address: Address }) {
  return (
    <WalletProviders>
      <EnsName address={address} />
    </WalletProviders>
  );
}

function EnsName({ address }: { address: Address }) {
  const { data } = useEnsName({ address, chainId: CHAIN_ID });
  return data ? (
    <span className="muted" data-testid="ens-name">
      {data}
    </span>
  ) : null;
}
