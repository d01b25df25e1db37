/**
 * The language switcher: one button per language ("DE", read out as "DE Deutsch": the visible code
 * first, so a voice command saying what is seen finds it), in a form that
 * posts the choice to a server action (works without JavaScript; the cookie remembers it).
 */
import { getLocale, getTranslations } from "next-intl/server";
import { chooseLocale } from "@/i18n/actions";
import { LOCALE_NAMES, LOCALES } from "@/i18n/locales";

export async function LocaleSwitcher() {
  const [locale, t] = await Promise.all([getLocale(), getTranslations("common.language")]);
  return (
    <form action={chooseLocale} className="locale-switcher" aria-label={t("label")} data-testid="locale-switcher">
      {LOCALES.map((code) => (
        <button
          key={code}
          type="submit"
          name="locale"
          value={code}
          lang={code}
          aria-current={code === locale ? "true" : undefined}
          title={t("change", { language: LOCALE_NAMES[code] })}
          data-testid={`locale-${code}`}
        >
          {code.toUpperCase()}
          <span className="visually-hidden"> {LOCALE_NAMES[code]}</span>
        </button>
      ))}
    </form>
  );
}
