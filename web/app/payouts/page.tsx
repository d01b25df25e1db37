/**
 * Payouts, in the open: for every period the pool, subscribers, views and watch time, the posted
 * root and the tally file (downloadable from our IPFS gateway), the signers, the challenge window,
 * the status, the per-film split, and the result of running `oracle verify`'s checks on this
 * server. Plus how the split works (the formula, and split method 2's per-subscriber cap with a
 * worked example), with the market's current parameters, and the parameter changes waiting in the
 * governance timelock, with when they can take effect.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { formatDate, formatDollars, formatTimeLeft, formatWatchTime, shortAddress } from "@/lib/format";
import { payouts, type GovernanceState, type PendingCall, type PeriodPayout } from "@/lib/server/payouts";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Payouts" };

const STATUS_TEXT: Record<PeriodPayout["status"], string> = {
  open: "Open — the period is running",
  "awaiting-tally": "Ended — waiting for the oracle's tally",
  posted: "Posted — inside the challenge window",
  disputed: "Disputed — pays nothing until a new tally is posted",
  claimable: "Claimable",
  settled: "Fully claimed",
};

const pct = (bps: number | null) => (bps === null ? "?" : `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)} %`);

/** What a pending governance call changes, in words; calls not listed show their raw name and arguments. */
const CHANGE_TEXT: Record<string, (args: string[]) => string> = {
  setFee: ([bps]) => `Platform fee becomes ${pct(Number(bps))}`,
  setViewWeight: ([bps]) => `View weight becomes ${pct(Number(bps))}, from the first period that starts after it is executed`,
  setMonthlyPrice: ([units]) => `Subscription becomes ${formatDollars(units)}/month`,
  setPassWindow: ([seconds]) => `A view pass lasts ${formatWatchTime(Number(seconds))}`,
  setChallengeWindow: ([seconds]) => `Challenge window becomes ${formatWatchTime(Number(seconds))}`,
  setTreasury: ([account]) => `Fees go to ${account}`,
  addOracleSigner: ([account]) => `Oracle signer ${account} is added`,
  removeOracleSigner: ([account]) => `Oracle signer ${account} is removed`,
  setOracleThreshold: ([n]) => `${n} signatures are needed per tally`,
  pause: () => "Purchases are paused",
  unpause: () => "Purchases resume",
  updateDelay: ([seconds]) => `The timelock's delay becomes ${formatWatchTime(Number(seconds))}`,
};

const describeCall = (c: PendingCall) =>
  (c.functionName && CHANGE_TEXT[c.functionName]?.(c.args)) ??
  `${c.functionName ?? "Unknown call"}(${c.args.join(", ")}) on ${shortAddress(c.target)}`;

export default async function PayoutsPage() {
  let data: Awaited<ReturnType<typeof payouts>> | null = null;
  try {
    data = await payouts();
  } catch (error) {
    console.error("payouts:", error);
  }
  if (!data) {
    return (
      <div className="payouts">
        <h1>Payouts</h1>
        <p className="error" role="alert" data-testid="payouts-error">
          The payouts can&apos;t be read right now. Try again shortly.
        </p>
      </div>
    );
  }
  const { periods, params, governance, now } = data;
  // The chain's weight of the running period when it answers: the indexed one may already be the next period's.
  const w = governance?.viewWeight.current ?? params?.viewWeightBps ?? null;

  return (
    <div className="payouts" data-testid="payouts-page">
      <h1>Payouts, in the open</h1>
      <p className="muted">
        Every month the subscription pool is split among films by what subscribers watched. The oracle publishes the whole tally to IPFS,
        signs it and posts its Merkle root on-chain; anyone can download it and check it. This page runs the same checks as{" "}
        <code>npm run oracle -- verify</code>.
      </p>

      <section className="panel" data-testid="payouts-how">
        <h2>How the split works</h2>
        <p>
          Subscriptions (less the platform fee of <strong data-testid="param-fee">{pct(params?.feeBps ?? null)}</strong>) go into the pool
          of each period they cover. After the period ends, each film&apos;s share of its pool is
        </p>
        <p className="formula" data-testid="payouts-formula">
          share = pool × ( w × views / total views + (1 − w) × seconds / total seconds )
        </p>
        <p>
          where <em>views</em> are the film&apos;s unique subscriber views (a view counts after 30 s, or the whole film if shorter) and
          <em> seconds</em> its subscriber watch time, after the ledger&apos;s caps (3 × the film&apos;s length per viewer, 8 h per viewer
          and day). The owner watching their own film counts for nothing. Today{" "}
          <strong>
            w = <span data-testid="param-view-weight">{pct(w)}</span>
          </strong>
          , so {w === null ? "" : `${pct(w)} of the pool follows views and ${pct(10_000 - w)} follows watch time`}. A period&apos;s weight
          is fixed before it starts: a change applies from the next period on, and a posted tally keeps the weight of its period.
        </p>
        <SplitMethodExplainer />
        <dl className="stats">
          <div>
            <dt>Subscription</dt>
            <dd data-testid="param-monthly-price">{params?.monthlyPrice ? `${formatDollars(params.monthlyPrice)}/month` : "?"}</dd>
          </div>
          <div>
            <dt>Period length</dt>
            <dd>{params ? formatWatchTime(params.periodLength) : "?"}</dd>
          </div>
          <div>
            <dt>Challenge window</dt>
            <dd data-testid="param-challenge-window">{params?.challengeWindow != null ? formatWatchTime(params.challengeWindow) : "?"}</dd>
          </div>
          <div>
            <dt>Signatures needed</dt>
            <dd data-testid="param-threshold">
              {params?.oracleThreshold ?? "?"} of {params?.oracleSigners.length ?? "?"}
            </dd>
          </div>
        </dl>
        <p className="muted small">
          A tally needs signatures of that many registered oracle operators; during the challenge window a guardian or the operators can
          dispute it, and a disputed tally pays nothing until replaced. After the window anyone can claim a film&apos;s share for its owner
          with a Merkle proof; the contract computes the share and never pays more than the pool. Rounding leaves under one unit per film,
          rolled into a later pool once every film has claimed. Parameters as of block {params?.asOfBlock ?? "?"}; market{" "}
          <span className="mono">{params?.market}</span>.
        </p>
      </section>

      <Governance governance={governance} now={now} />

      {periods.length === 0 && (
        <p className="muted" data-testid="payouts-empty">
          No periods yet.
        </p>
      )}
      {periods.map((p) => (
        <Period key={p.period} p={p} now={now} />
      ))}
    </div>
  );
}

/** The numbers of the worked example: three subscribers at 10 USD, a 10 % fee, so a 27 USD pool. */
const EXAMPLE = { price: 10, pool: 27, capPct: 97.5, cap: 9.75, rest: 17.25, each: 8.625, method1Bot: 26.78, method1Honest: 0.11 };

/** Split method 2 in plain words, with a worked example small enough to check by hand. */
function SplitMethodExplainer() {
  return (
    <section aria-labelledby="split-method-heading" data-testid="split-method">
      <h3 id="split-method-heading">Who decides where the pool goes: each subscriber, up to what they paid</h3>
      <p>
        The <em>views</em> and <em>seconds</em> above are not counted all alike. Since split method 2 (<strong>ScaledUserProp</strong>, from
        Ghosh, Neoh, Teh and Tyrovolas, &ldquo;Fraud-Proof Revenue Division on Subscription Platforms&rdquo;, ICML 2025), every subscriber
        steers a part of the pool towards the films they watched, in proportion to how much they watched, with the same exchange rate for
        everyone, but <strong>never more than {EXAMPLE.capPct} % of what they paid</strong> for the month. The exchange rate is set so that
        the whole pool is shared out. Heavy watchers reach their limit; what they cannot steer goes to what everyone else watched. The cap
        applies to the view part and the watch-time part of the formula each, so the tally&apos;s leaves carry these <em>weighted</em> views
        and seconds, and the contract&apos;s formula pays them unchanged.
      </p>
      <p>
        Why: a wallet that pays one subscription and streams its owner&apos;s films 8 hours a day would, if every second weighed the same,
        take back several times its subscription. With the cap, a farm of paying bots gets back at most {EXAMPLE.capPct} % of what it paid,
        so it always loses money, however many wallets it runs.
      </p>
      <table className="table" data-testid="split-example">
        <caption>
          Worked example: Alice, Bob and a bot each pay {EXAMPLE.price} USD; after the 10 % fee the pool is {EXAMPLE.pool} USD (all in the
          watch-time part, for simplicity).
        </caption>
        <thead>
          <tr>
            <th scope="col">Subscriber</th>
            <th scope="col">Watched</th>
            <th scope="col">Method 1: every second alike</th>
            <th scope="col">Method 2: capped at {EXAMPLE.capPct} % of the payment</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Alice</th>
            <td>1 hour of film A</td>
            <td>{EXAMPLE.method1Honest} USD to film A</td>
            <td>{EXAMPLE.each} USD to film A</td>
          </tr>
          <tr>
            <th scope="row">Bob</th>
            <td>1 hour of film B</td>
            <td>{EXAMPLE.method1Honest} USD to film B</td>
            <td>{EXAMPLE.each} USD to film B</td>
          </tr>
          <tr>
            <th scope="row">Bot</th>
            <td>240 hours of its owner&apos;s film F</td>
            <td>{EXAMPLE.method1Bot} USD to film F (it paid 10)</td>
            <td>{EXAMPLE.cap} USD to film F: its cap</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">
        Under method 1 the bot&apos;s 240 of 242 hours take 99 % of the pool. Under method 2 the bot is capped at {EXAMPLE.cap} USD; the
        other {EXAMPLE.rest} USD follow Alice&apos;s and Bob&apos;s hours, {EXAMPLE.each} USD each. If so few subscribers watched that even
        all of them at their cap cannot place the pool, the rest is kept aside in the tally and rolls over to a later month. Each tally file
        names its method and cap, and the verification below recomputes the leaves with them; periods tallied before method 2 used method 1.
      </p>
    </section>
  );
}

/** Who can change the rules, and the changes already announced: read from the chain, not the index. */
function Governance({ governance, now }: { governance: GovernanceState | null; now: number }) {
  if (!governance) {
    return (
      <section className="panel" data-testid="payouts-governance">
        <h2>Pending changes</h2>
        <p className="muted">The governance can&apos;t be read right now.</p>
      </section>
    );
  }
  const next = governance.viewWeight.next;
  return (
    <section className="panel" data-testid="payouts-governance">
      <h2>Pending changes</h2>
      {governance.timelock ? (
        <p>
          The fee, the prices, the windows, the view weight and the oracle&apos;s signers are changed only through a timelock (
          <span className="mono">{governance.timelock}</span>): each change is announced on-chain and waits{" "}
          <strong data-testid="governance-delay">{formatWatchTime(governance.minDelay ?? 0)}</strong> before it can be executed. A guardian
          can pause purchases and dispute a tally at once, and nothing else. The challenge window is never shorter than an hour.
        </p>
      ) : (
        <p className="muted">This market&apos;s admin is not a timelock: changes are not announced in advance.</p>
      )}
      <ul className="checks">
        {next && (
          <li data-testid="pending-change" data-kind="view-weight">
            View weight becomes {pct(next.bps)} from period {next.fromPeriod}, which starts {formatDate(next.from)} (
            {(formatTimeLeft(next.from, now) ?? "expired")} left)
          </li>
        )}
        {governance.pending.map((op) => (
          <li key={op.id} data-testid="pending-change" data-ready-at={op.readyAt}>
            {op.calls.map(describeCall).join("; ")} — announced {formatDate(op.scheduledAt)},{" "}
            {now < op.readyAt
              ? `can take effect from ${formatDate(op.readyAt)} (${(formatTimeLeft(op.readyAt, now) ?? "expired")} left)`
              : "can take effect now"}
          </li>
        ))}
      </ul>
      {!next && governance.pending.length === 0 && (
        <p className="muted" data-testid="governance-none">
          No change is pending.
        </p>
      )}
    </section>
  );
}

function Period({ p, now }: { p: PeriodPayout; now: number }) {
  const t = p.tally;
  const verify = p.verify;
  return (
    <section className="panel period" data-testid="payout-period" data-period={p.period} data-status={p.status}>
      <h2>
        Period {p.period}{" "}
        <span className={`status status-${p.status}`} data-testid="period-status">
          {STATUS_TEXT[p.status]}
        </span>
      </h2>
      <p className="muted small">
        {formatDate(p.start)} — {formatDate(p.end)}
        {p.status === "open" ? ` (${(formatTimeLeft(p.end, now) ?? "expired")} left)` : ""}
      </p>
      <dl className="stats">
        <div>
          <dt>Pool</dt>
          <dd data-testid="period-pool" data-units={p.pool}>
            {formatDollars(p.pool)}
          </dd>
        </div>
        <div>
          <dt>Subscribers</dt>
          <dd data-testid="period-subscribers">{p.subscribers}</dd>
        </div>
        <div>
          <dt>Views</dt>
          <dd data-testid="period-views">{t && !p.method?.weighted ? t.totalViews : p.ledger.views}</dd>
        </div>
        <div>
          <dt>Watch time</dt>
          <dd data-testid="period-watch-time">{formatWatchTime(t && !p.method?.weighted ? t.totalSeconds : p.ledger.watchSeconds)}</dd>
        </div>
        <div>
          <dt>Paid</dt>
          <dd data-testid="period-paid">{formatDollars(p.paid)}</dd>
        </div>
      </dl>
      {!t && <p className="muted">{p.status === "open" ? "Views and watch time so far, from the ledger." : "No tally posted yet."}</p>}
      {p.rolledIn !== "0" && <p className="muted small">Includes {formatDollars(p.rolledIn)} rolled in from earlier periods.</p>}
      {p.rolledOver && (
        <p className="muted small">
          {formatDollars(p.rolledOver.amount)} left over was rolled into period {p.rolledOver.intoPeriod}.
        </p>
      )}
      {t && (
        <>
          <dl className="facts">
            <dt>Posted root</dt>
            <dd className="mono" data-testid="period-root">
              {t.root}
            </dd>
            <dt>Tally file</dt>
            <dd>
              <a className="mono" href={`/ipfs/${t.dataCid}`} download={`tally-period-${p.period}.json`} data-testid="period-tally-link">
                {t.dataCid}
              </a>
            </dd>
            <dt>Split method</dt>
            <dd data-testid="period-method" data-method={p.method?.version ?? ""}>
              {p.method === null
                ? "?"
                : p.method.version === 2
                  ? `2 — ScaledUserProp: each subscriber steers at most ${pct(p.method.capBps)} of what they paid`
                  : "1 — global: every counted view and second alike"}
            </dd>
            <dt>Signers</dt>
            <dd data-testid="period-signers">
              {t.signers.map((s) => (
                <span key={s} className="mono signer">
                  {s}
                </span>
              ))}
            </dd>
            <dt>Posted</dt>
            <dd>
              {formatDate(t.postedAt)} (block {t.postedBlock}, view weight {(t.viewWeightBps / 100).toFixed(0)} %)
            </dd>
            <dt>Challenge window</dt>
            <dd data-testid="period-window">
              {now < t.claimableAt
                ? `open until ${formatDate(t.claimableAt)} (${(formatTimeLeft(t.claimableAt, now) ?? "expired")} left)`
                : `closed ${formatDate(t.claimableAt)}`}
            </dd>
            {t.dispute && (
              <>
                <dt>Dispute</dt>
                <dd>
                  by <span className="mono">{t.dispute.by}</span>: {t.dispute.reason || "no reason given"}
                </dd>
              </>
            )}
          </dl>
          {p.fileError ? (
            <p className="error" data-testid="period-file-error">
              The tally file could not be read: {p.fileError}
            </p>
          ) : p.films.length === 0 ? (
            <p className="muted">No subscriber watched anything this period: the whole pool rolls over.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="period-films">
                <thead>
                  <tr>
                    <th>Film</th>
                    <th scope="col">{p.method?.weighted ? "Weighted views" : "Views"}</th>
                    <th scope="col">{p.method?.weighted ? "Weighted seconds" : "Seconds"}</th>
                    <th>Share</th>
                    <th>Amount</th>
                    <th>Claimed</th>
                  </tr>
                </thead>
                <tbody>
                  {p.films.map((f) => (
                    <tr
                      key={f.filmId}
                      data-testid="period-film-row"
                      data-film-id={f.filmId}
                      data-amount={f.amount}
                      data-claimed={Boolean(f.claimed)}
                    >
                      <td>
                        <Link href={`/films/${f.filmId}`}>{f.title}</Link>
                      </td>
                      <td>{f.views}</td>
                      <td>{f.seconds}</td>
                      <td data-testid="film-share">{(f.fraction * 100).toFixed(2)} %</td>
                      <td data-testid="film-amount">{formatDollars(f.amount)}</td>
                      <td>
                        {f.claimed ? (
                          <>
                            yes, to <span className="mono">{shortAddress(f.claimed.payee)}</span>
                          </>
                        ) : (
                          "not yet"
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="verify" data-testid="period-verify" data-ok={verify ? String(verify.ok) : "unknown"}>
            <h3>Verification {verify?.ok ? <span className="success">✓ passed</span> : <span className="error">✗ failed</span>}</h3>
            {verify && "error" in verify ? (
              <p className="error">{verify.error}</p>
            ) : verify ? (
              <ul className="checks">
                {verify.checks.map((c) => (
                  <li key={c.name} data-testid="verify-check" data-ok={c.ok}>
                    <span className={c.ok ? "success" : "error"}>{c.ok ? "✓" : "✗"}</span> {c.name}{" "}
                    <span className="muted small">— {c.detail}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}
