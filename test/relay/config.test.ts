// Gas sponsorship and the keeper are configuration (core/src/relay/config.ts): on by default on a
// local chain (Hardhat #19 pays relayed gas, #3 the keeper's), off on any other chain unless both the
// switch and a key are given, and never on without a key to pay from.
import { expect } from "chai";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { account, DEMO_ACCOUNTS } from "@ai-films/core/platform";
import { DEFAULT_RELAY_DAILY_CAP, sponsorshipConfig } from "@ai-films/core/relay";

const BASE = 8453;

describe("Relay: sponsorship configuration", () => {
  it("a local chain sponsors gas and renews by default, from its own accounts; GAS_SPONSORSHIP=0 turns it off", () => {
    const local = sponsorshipConfig(31337, {});
    expect(local.relayEnabled).to.equal(true);
    expect(local.keeperEnabled).to.equal(true);
    expect(local.relayer?.address).to.equal(account(DEMO_ACCOUNTS.relayer).address);
    expect(local.keeper?.address).to.equal(account(DEMO_ACCOUNTS.keeper).address);
    expect(local.dailyCap).to.equal(DEFAULT_RELAY_DAILY_CAP);
    expect(sponsorshipConfig(31337, { GAS_SPONSORSHIP: "0", RENEWAL_KEEPER: "off" })).to.deep.include({
      relayEnabled: false,
      keeperEnabled: false,
    });
  });

  it("any other chain pays nothing by default, even with keys; the switch alone is not enough", () => {
    const key = generatePrivateKey();
    expect(sponsorshipConfig(BASE, {})).to.deep.include({ relayEnabled: false, relayer: null, keeperEnabled: false, keeper: null });
    expect(sponsorshipConfig(BASE, { RELAYER_PRIVATE_KEY: key }).relayEnabled).to.equal(false);
    expect(sponsorshipConfig(BASE, { GAS_SPONSORSHIP: "1" }).relayEnabled).to.equal(false); // no key to pay from
    expect(sponsorshipConfig(BASE, { GAS_SPONSORSHIP: "1", RELAYER_PRIVATE_KEY: "not-a-key" }).relayEnabled).to.equal(false);
    const on = sponsorshipConfig(BASE, { GAS_SPONSORSHIP: "1", RELAYER_PRIVATE_KEY: key });
    expect(on.relayEnabled).to.equal(true);
    expect(on.relayer?.address).to.equal(privateKeyToAccount(key).address);
    // The keeper has its own switch and key.
    expect(sponsorshipConfig(BASE, { KEEPER_PRIVATE_KEY: key.slice(2) }).keeperEnabled).to.equal(false);
    expect(sponsorshipConfig(BASE, { RENEWAL_KEEPER: "1", KEEPER_PRIVATE_KEY: key.slice(2) }).keeperEnabled).to.equal(true);
  });

  it("RELAY_DAILY_CAP: a whole number of purchases, else the default", () => {
    expect(sponsorshipConfig(31337, { RELAY_DAILY_CAP: "20" }).dailyCap).to.equal(20);
    expect(sponsorshipConfig(31337, { RELAY_DAILY_CAP: "0" }).dailyCap).to.equal(0);
    expect(sponsorshipConfig(31337, { RELAY_DAILY_CAP: "-5" }).dailyCap).to.equal(DEFAULT_RELAY_DAILY_CAP);
    expect(sponsorshipConfig(31337, { RELAY_DAILY_CAP: "lots" }).dailyCap).to.equal(DEFAULT_RELAY_DAILY_CAP);
  });
});
