import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const t = await getTranslations("catalogue.notFound");
  return (
    <div className="account" data-testid="not-found">
      <h1>{t("title")}</h1>
      <p className="muted">{t.rich("text", { link: (chunks) => <Link href="/">{chunks}</Link> })}</p>
    </div>
  );
}
