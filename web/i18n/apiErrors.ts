/**
 * The API answers errors as `{ error: reason, message }`: the message is English, for logs and
 * scripts; the page shows the reason's sentence from the "errors" catalogue in the viewer's
 * language (every reason the server can send has one: test/web/i18nCatalogues.test.ts).
 */
import { useTranslations } from "next-intl";

/** The reason of an error body, if it is one. */
export function reasonOf(body: unknown): string | null {
  const reason = (body as { error?: unknown } | null)?.error;
  return typeof reason === "string" && /^[a-z-]+$/.test(reason) ? reason : null;
}

/** Reads a failed response's reason (null when its body is not our JSON). */
export async function reasonOfResponse(response: Response): Promise<string | null> {
  return reasonOf(await response.json().catch(() => null));
}

/** In a client component: turns an error body (or a reason) into a sentence for this viewer. */
export function useApiErrors(): (bodyOrReason: unknown) => string {
  const t = useTranslations("errors");
  return (bodyOrReason) => {
    const reason = typeof bodyOrReason === "string" ? bodyOrReason : reasonOf(bodyOrReason);
    return reason !== null && t.has(reason as "unknown") ? t(reason as "unknown") : t("unknown");
  };
}
