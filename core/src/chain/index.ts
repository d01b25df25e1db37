/**
 * The chain as the libraries see it: one viem public client plus the AI Films contract addresses
 * (`connectRpc` over HTTP, `connectProvider` over an EIP-1193 provider), and the generated, typed
 * ABIs. Client components import the ABIs alone from `@ai-films/core/chain/abis`, and the permit
 * domain resolution from `@ai-films/core/chain/permitDomain`.
 */
export { connectProvider, connectRpc, resolveMarketAddress, ChainError, type ChainContext } from "./context.ts";
export { filmListingsAbi, filmMarketAbi, testDollarAbi, timelockControllerAbi } from "./abis.ts";
export { GUARDIAN_ROLE, governanceState, isGuardian, type GovernanceState, type PendingCall, type PendingOperation } from "./governance.ts";
export { PERMIT_TYPES, resolvePermitDomain, type PermitDomain, type PermitDomainResolution } from "./permitDomain.ts";
