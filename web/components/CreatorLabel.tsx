/**
 * A creator as pages show them: avatar and profile name instead of the address, with the short
 * address beside a name (so a name cannot pass for another wallet) and the full address in the
 * tooltip; linked to the creator's page unless inside another link (a film card).
 */
import Link from "next/link";
import { useTranslations } from "next-intl";
import { shortAddress } from "@/lib/format";

export interface CreatorLabelProps {
  address: string;
  name: string | null;
  avatarCid: string | null;
  /** false inside a link (a film card): no nested link. */
  link?: boolean;
  /** Show the short address beside the name (film and creator pages). */
  withAddress?: boolean;
  testId?: string;
}

export function CreatorLabel({ address, name, avatarCid, link = true, withAddress = false, testId = "creator-label" }: CreatorLabelProps) {
  const t = useTranslations("community.creatorLabel");
  const content = (
    <>
      {avatarCid && (
        // Avatars are small images from our own immutable gateway, checked at upload.
        // eslint-disable-next-line @next/next/no-img-element
        <img className="avatar" src={`/ipfs/${avatarCid}`} alt="" width={24} height={24} loading="lazy" data-testid="creator-avatar" />
      )}
      <span className="creator-name" data-testid="creator-name">
        {name ?? shortAddress(address)}
      </span>
      {name && withAddress && (
        <span className="muted mono small creator-short-address" data-testid="creator-short-address">
          {" "}
          ({shortAddress(address)})
        </span>
      )}
    </>
  );
  const title = `${name ? `${name} — ` : ""}${address}`;
  return link ? (
    <Link
      href={`/creators/${address.toLowerCase()}`}
      className="creator-label"
      title={title}
      aria-label={t("link", { name: name ?? shortAddress(address) })}
      data-testid={testId}
      data-address={address.toLowerCase()}
    >
      {content}
    </Link>
  ) : (
    <span className="creator-label" title={title} data-testid={testId} data-address={address.toLowerCase()}>
      {content}
    </span>
  );
}
