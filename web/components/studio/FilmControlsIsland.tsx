"use client";
/**
 * One listing's controls in "My films": the price per view (FilmListings.setPrice) and sales on/off
 * (setSalesPaused), each one transaction from the owner's wallet. The row shows the new state as
 * soon as the transaction confirms (the indexer follows a moment later).
 */
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import type { Address } from "viem";
import { filmListingsAbi } from "@ai-films/core/chain/abis";
import { openConnectModal } from "@/lib/client/events";
import { formatDollars, parseDollars } from "@/lib/format";
import { friendlyError } from "@/lib/wallet/errors";
import { connectedWallet, walletActions } from "@/lib/wallet/lazy";

export interface FilmControlsProps {
  listings: Address;
  filmId: string;
  pricePerView: string;
  salesPaused: boolean;
}

/** No wallet code at load: wagmi arrives with the first change (lib/wallet/lazy). */
export default function FilmControlsIsland(props: FilmControlsProps) {
  return <FilmControls {...props} />;
}

const toDollarText = (units: bigint) => (Number(units) / 1e6).toFixed(2);

function FilmControls({ listings, filmId, pricePerView, salesPaused }: FilmControlsProps) {
  const router = useRouter();
  const t = useTranslations("studio.controls");
  const tw = useTranslations("studio.wallet");
  const free = useTranslations("common")("free");
  const locale = useLocale();
  const [price, setPrice] = useState(BigInt(pricePerView));
  const [paused, setPaused] = useState(salesPaused);
  const [text, setText] = useState(toDollarText(BigInt(pricePerView)));
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });
  const parsed = parseDollars(text);

  async function send(
    functionName: "setPrice" | "setSalesPaused",
    args: readonly [bigint, bigint] | readonly [bigint, boolean],
    after: () => void,
  ) {
    try {
      setStatus({ kind: "working", message: tw("opening") });
      if (!(await connectedWallet()).isConnected) {
        setStatus({ kind: "idle" });
        return openConnectModal();
      }
      const wallet = await walletActions();
      await wallet.toAppChain();
      setStatus({ kind: "working", message: t("confirm") });
      const { receipt } = await wallet.send({ address: listings, abi: filmListingsAbi, functionName, args }, () =>
        setStatus({ kind: "working", message: tw("waiting") }),
      );
      if (receipt.status !== "success") throw new Error(t("failed"));
      after();
      setStatus({ kind: "done", message: t("saved") });
      setTimeout(() => router.refresh(), 2500);
    } catch (e) {
      const f = friendlyError(e);
      // By the contract's error name (in viem's message), not by friendlyError's wording, which may be translated.
      const notOwner = /FilmListingsNotOwner/.test(`${e instanceof Error ? e.message : ""} ${f.message}`);
      const message = notOwner ? t("notOwner") : f.message;
      setStatus({ kind: "error", message });
    }
  }

  const busy = status.kind === "working";
  return (
    <div className="film-controls" data-testid="film-controls" data-film-id={filmId}>
      <form
        className="field-inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (parsed === null || parsed === price) return;
          const next = parsed;
          void send("setPrice", [BigInt(filmId), next] as const, () => setPrice(next));
        }}
      >
        <span className="muted" aria-hidden>
          $
        </span>
        <input
          className="price-input"
          type="text"
          inputMode="decimal"
          value={text}
          onChange={(e) => setText(e.target.value)}
          disabled={busy}
          aria-label={t("priceLabel")}
          data-testid="film-price-input"
          aria-invalid={parsed === null}
        />
        <button
          className="btn btn-secondary"
          type="submit"
          disabled={busy || parsed === null || parsed === price}
          data-testid="film-price-save"
        >
          {t("save")}
        </button>
      </form>
      <span className="muted" data-testid="film-price-current" data-price={price.toString()}>
        {t("now", { price: formatDollars(price, locale, { free }) })}
      </span>
      <button
        className={`btn ${paused ? "btn-primary" : "btn-ghost"}`}
        type="button"
        disabled={busy}
        data-testid="film-sales-toggle"
        data-paused={paused}
        onClick={() => void send("setSalesPaused", [BigInt(filmId), !paused] as const, () => setPaused(!paused))}
      >
        {paused ? t("resume") : t("pause")}
      </button>
      {status.kind !== "idle" && (
        <span
          className={status.kind === "error" ? "error" : status.kind === "done" ? "success" : "notice"}
          data-testid="film-controls-status"
          role={status.kind === "error" ? "alert" : undefined}
        >
          {status.message}
        </span>
      )}
    </div>
  );
}
