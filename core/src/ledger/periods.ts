/**
 * Periods are the contract's periods, never the ledger's own: the caller reads genesis and
 * period length from the chain, so a beat lands in the same period the contract will settle.
 * The arithmetic is the domain's (domain/periods.ts); this is the ledger's view of it.
 */
export { periodBounds, periodOf, type PeriodClock } from "../domain/periods.ts";
