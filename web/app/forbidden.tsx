import Link from "next/link";
import { getTranslations } from "next-intl/server";

/** What forbidden() renders, with status 403: today only /moderation for wallets that are not guardians. */
export default async function Forbidden() {
  const t = await getTranslations("moderation.forbidden");
  return (
    <div className="account" data-testid="forbidden">
      <h1>{t("title")}</h1>
      <p className="muted">{t.rich("text", { link: (chunks) => <Link href="/">{chunks}</Link> })}</p>
    </div>
  );
}
