/**
 * Types every `t("…")` call: a key missing from the English catalogues (the reference) is a
 * compile error, and so is a locale we do not speak.
 */
import type account from "../messages/en/account.json";
import type catalogue from "../messages/en/catalogue.json";
import type common from "../messages/en/common.json";
import type community from "../messages/en/community.json";
import type errors from "../messages/en/errors.json";
import type film from "../messages/en/film.json";
import type moderation from "../messages/en/moderation.json";
import type payouts from "../messages/en/payouts.json";
import type player from "../messages/en/player.json";
import type studio from "../messages/en/studio.json";
import type wallet from "../messages/en/wallet.json";
import type { Locale } from "./locales";

declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: {
      account: typeof account;
      catalogue: typeof catalogue;
      common: typeof common;
      community: typeof community;
      errors: typeof errors;
      film: typeof film;
      moderation: typeof moderation;
      payouts: typeof payouts;
      player: typeof player;
      studio: typeof studio;
      wallet: typeof wallet;
    };
  }
}
