import Link from "next/link";
import { MODERATION_STRINGS as T } from "@/components/moderationStrings";

/** What forbidden() renders, with status 403: today only /moderation for wallets that are not guardians. */
export default function Forbidden() {
  return (
    <div className="account" data-testid="forbidden">
      <h1>{T.forbiddenTitle}</h1>
      <p className="muted">
        {T.forbiddenText} <Link href="/">{T.backToCatalogue}</Link>.
      </p>
    </div>
  );
}
