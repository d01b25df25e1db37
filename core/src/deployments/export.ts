// Turns Hardhat Ignition's record of an AI Films deployment into what the oracle and the web app
// import: `deployments/<chainId>.json` (addresses, ABIs, deployment blocks) and one generated
// TypeScript module, `deployments/index.ts`, with every chain's contracts and `as const` ABIs so
// viem/abitype type each read and write. Plain functions over the file system: no network, no
// Hardhat runtime, so any script can call them.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, type Abi, type Address } from "viem";
import { AiFilmsError, type ModuleCode } from "../errors.ts";

/** The contracts every AI Films deployment has, as named in the Ignition modules' future ids. */
export const CONTRACT_NAMES = [
  "FilmMarket",
  "FilmListings",
  "PaymentToken",
  "SubscriptionRenewer",
  "SignedPurchases",
  "SplitterFactory",
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** Chains whose deployments live and die with a local node; their exports are not committed. */
export const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337];

export interface ExportedContract {
  address: Address;
  /** Block of the deployment transaction; null for a contract the deployment only points at (USDC). */
  deployBlock: number | null;
  abi: Abi;
}

export interface ExportedDeployment {
  chainId: number;
  /** Ignition deployment id (folder under ignition/deployments). */
  deploymentId: string;
  /** Ignition module that was deployed: `AIFilms` or `LocalAIFilms`. */
  module: string;
  contracts: Record<ContractName, ExportedContract>;
}

/** An Ignition deployment that cannot be exported, with the one sentence a user needs. */
export class DeploymentExportError extends AiFilmsError<"deployments"> {
  override readonly name = "DeploymentExportError";

  constructor(code: ModuleCode<"deployments">, message: string, details?: string) {
    super("deployments", code, message, { details });
  }
}

export interface ExportOptions {
  chainId: number;
  /** Defaults to Ignition's own default, `chain-<chainId>`. */
  deploymentId?: string;
  /** Defaults to `ignition/deployments` under the working directory. */
  ignitionDeploymentsDir?: string;
  /** Defaults to `deployments` under the working directory. */
  outDir?: string;
}

/** Reads Ignition's deployment folder: deployed_addresses.json, the stored artifacts and the journal. */
export async function readIgnitionDeployment(
  chainId: number,
  deploymentId = `chain-${chainId}`,
  ignitionDeploymentsDir = path.resolve("ignition", "deployments"),
): Promise<ExportedDeployment> {
  const dir = path.join(ignitionDeploymentsDir, deploymentId);
  const addresses = await readJson<Record<string, string>>(path.join(dir, "deployed_addresses.json")).catch(() => {
    throw new DeploymentExportError(
      "NO_DEPLOYMENT",
      `No Ignition deployment "${deploymentId}" for chain ${chainId}: deploy first (\`npm run deploy:local\` on a local node).`,
      `missing ${path.join(dir, "deployed_addresses.json")}`,
    );
  });

  // Future ids look like "LocalAIFilms#FilmMarket"; the module is whichever one deployed the market.
  const marketId = Object.keys(addresses).find((id) => id.endsWith("#FilmMarket"));
  if (marketId === undefined) {
    throw new DeploymentExportError(
      "INCOMPLETE",
      `Ignition deployment "${deploymentId}" has no FilmMarket: deploy ignition/modules/AIFilms.ts or LocalAIFilms.ts.`,
    );
  }
  const module = marketId.slice(0, marketId.indexOf("#"));
  const deployBlocks = await readDeployBlocks(path.join(dir, "journal.jsonl"));

  const contracts = {} as Record<ContractName, ExportedContract>;
  for (const name of CONTRACT_NAMES) {
    const futureId = `${module}#${name}`;
    const address = addresses[futureId];
    if (address === undefined) {
      throw new DeploymentExportError(
        "INCOMPLETE",
        `Ignition deployment "${deploymentId}" has no ${futureId}: it did not finish, rerun the deploy.`,
      );
    }
    // The artifact Ignition stored is the one the contract was deployed with, even if the
    // sources changed since, so its ABI matches the bytecode on chain.
    const artifact = await readJson<{ abi: Abi }>(path.join(dir, "artifacts", `${futureId}.json`));
    contracts[name] = { address: getAddress(address), deployBlock: deployBlocks.get(futureId) ?? null, abi: artifact.abi };
  }
  return { chainId, deploymentId, module, contracts };
}

/** Exports one chain's Ignition deployment to `<outDir>/<chainId>.json` and regenerates the index. */
export async function exportDeployment(options: ExportOptions): Promise<ExportedDeployment> {
  const deployment = await readIgnitionDeployment(options.chainId, options.deploymentId, options.ignitionDeploymentsDir);
  await saveDeployment(deployment, options.outDir);
  return deployment;
}

/** Writes `<outDir>/<chainId>.json` for `deployment` and regenerates `<outDir>/index.ts`. */
export async function saveDeployment(deployment: ExportedDeployment, outDir = path.resolve("deployments")): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, `${deployment.chainId}.json`), JSON.stringify(deployment, null, 2) + "\n");
  await writeDeploymentsIndex(outDir);
}

/**
 * Writes `<outDir>/index.ts` from every `<outDir>/<chainId>.json`. Identical ABIs (the same
 * contracts on several chains) are written once.
 */
export async function writeDeploymentsIndex(outDir = path.resolve("deployments")): Promise<ExportedDeployment[]> {
  await mkdir(outDir, { recursive: true });
  const files = (await readdir(outDir)).filter((f) => /^\d+\.json$/.test(f));
  const all = (await Promise.all(files.map((f) => readJson<ExportedDeployment>(path.join(outDir, f))))).sort(
    (a, b) => a.chainId - b.chainId,
  );

  const abiNames = new Map<string, string>();
  const abiDecls: string[] = [];
  const abiRef = (name: ContractName, abi: Abi) => {
    const key = JSON.stringify(abi);
    let ref = abiNames.get(key);
    if (ref === undefined) {
      const sameName = [...abiNames.values()].filter((r) => r.startsWith(`${lowerFirst(name)}Abi`)).length;
      ref = `${lowerFirst(name)}Abi${sameName === 0 ? "" : sameName}`;
      abiNames.set(key, ref);
      abiDecls.push(`const ${ref} = ${JSON.stringify(abi, null, 2)} as const;\n`);
    }
    return ref;
  };

  const chains = all.map((d) => {
    const entries = CONTRACT_NAMES.map((name) => {
      const c = d.contracts[name];
      return `    ${name}: { address: "${c.address}", deployBlock: ${c.deployBlock}, abi: ${abiRef(name, c.abi)} },`;
    });
    return `  ${d.chainId}: {\n${entries.join("\n")}\n  },`;
  });

  const source = `// AI Films contracts by chain id: address, deployment block and ABI.
// Generated by scripts/export-deployments.ts from deployments/<chainId>.json: do not edit.
// Regenerate with \`npm run deploy:local\` (local node) or \`npm run deployments\`.

${abiDecls.join("\n")}
export const deployments = {${chains.length === 0 ? "" : `\n${chains.join("\n")}\n`}} as const;

export type DeploymentChainId = keyof typeof deployments;
export type AIFilmsDeployment = (typeof deployments)[DeploymentChainId];
export type AIFilmsContractName = ${CONTRACT_NAMES.map((n) => `"${n}"`).join(" | ")};

const LOCAL_CHAIN_IDS: readonly number[] = [${LOCAL_CHAIN_IDS.join(", ")}];

/** There is no AI Films deployment in this build for the chain asked for. */
export class MissingDeploymentError extends Error {
  readonly chainId: number;
  constructor(chainId: number) {
    super(
      LOCAL_CHAIN_IDS.includes(chainId)
        ? \`No AI Films deployment for chain \${chainId}: run \\\`npm run deploy:local\\\`.\`
        : \`No AI Films deployment for chain \${chainId}: deploy it (docs/deploy.md) and export it with \\\`npm run deployments -- --network <name>\\\`.\`,
    );
    this.name = "MissingDeploymentError";
    this.chainId = chainId;
  }
}

/** The AI Films contracts on \`chainId\`; throws MissingDeploymentError if there are none. */
export function getDeployment<const C extends DeploymentChainId>(chainId: C): (typeof deployments)[C];
export function getDeployment(chainId: number): AIFilmsDeployment;
export function getDeployment(chainId: number): AIFilmsDeployment {
  const deployment = (deployments as Record<number, AIFilmsDeployment | undefined>)[chainId];
  if (deployment === undefined) throw new MissingDeploymentError(chainId);
  return deployment;
}
`;
  await writeFile(path.join(outDir, "index.ts"), source);
  return all;
}

async function readDeployBlocks(journalPath: string): Promise<Map<string, number>> {
  const blocks = new Map<string, number>();
  const journal = await readFile(journalPath, "utf8").catch(() => "");
  for (const line of journal.split("\n")) {
    if (!line.includes('"TRANSACTION_CONFIRM"')) continue;
    const entry = JSON.parse(line) as { futureId: string; receipt?: { blockNumber?: number; contractAddress?: string } };
    if (entry.receipt?.contractAddress && typeof entry.receipt.blockNumber === "number") {
      blocks.set(entry.futureId, entry.receipt.blockNumber);
    }
  }
  return blocks;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

function lowerFirst(s: string): string {
  return s[0].toLowerCase() + s.slice(1);
}
