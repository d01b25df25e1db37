/**
 * Driving a page with the keyboard alone, as a person who cannot use a pointer does: Tab (or
 * Shift+Tab) until the wanted control has focus, then Enter or Space. Nothing here clicks.
 */
import type { Page } from "playwright-core";

export interface Focused {
  testId: string | null;
  tag: string;
  name: string;
  /** The focus indicator: outline or box-shadow, as computed (both "none" means it is invisible). */
  outline: string;
  boxShadow: string;
}

/** What has focus now (the nearest element with a data-testid names it). */
export async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { testId: null, tag: "body", name: "", outline: "none", boxShadow: "none" };
    const style = getComputedStyle(el);
    return {
      testId: el.closest("[data-testid]")?.getAttribute("data-testid") ?? null,
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 60),
      outline: style.outlineStyle === "none" || style.outlineWidth === "0px" ? "none" : `${style.outlineWidth} ${style.outlineStyle}`,
      boxShadow: style.boxShadow,
    };
  });
}

/**
 * Presses Tab until the element with this data-testid (or one inside it) has focus; throws with the
 * path the focus took if it is not reached in `maxPresses`.
 */
export async function tabTo(page: Page, testId: string, options: { maxPresses?: number; backwards?: boolean } = {}): Promise<Focused> {
  const seen: string[] = [];
  const max = options.maxPresses ?? 60;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(options.backwards ? "Shift+Tab" : "Tab");
    const now = await focused(page);
    if (now.testId === testId) return now;
    seen.push(now.testId ?? `${now.tag} "${now.name}"`);
  }
  throw new Error(`Tab never reached [data-testid=${testId}] in ${max} presses; focus went: ${seen.join(" → ")}`);
}
