// Exports the AI Films deployment of the network Hardhat is connected to, for the oracle and the
// web app: `npx hardhat run scripts/export-deployments.ts --network localhost`. On the in-process
// network (no --network), which keeps no deployment, it only regenerates deployments/index.ts
// from the chain files already there. The work itself is in ./deployments/export.ts.
import path from "node:path";
import { network } from "hardhat";
import {
  DeploymentExportError,
  LOCAL_CHAIN_IDS,
  readIgnitionDeployment,
  saveDeployment,
  writeDeploymentsIndex,
} from "@ai-films/core/deployments";

const connection = await network.create();
const chainId = Number(await connection.provider.request({ method: "eth_chainId" }));

try {
  if (connection.networkConfig.type === "edr-simulated") {
    const all = await writeDeploymentsIndex();
    console.log(
      `The in-process network keeps no deployment; wrote deployments/index.ts for chain(s) ${all.map((d) => d.chainId).join(", ") || "none"}.`,
    );
  } else {
    const deployment = await readIgnitionDeployment(chainId, process.env.AI_FILMS_DEPLOYMENT_ID || undefined);
    // A restarted local node forgets contracts that Ignition's folder still lists.
    const code = await connection.provider.request({
      method: "eth_getCode",
      params: [deployment.contracts.FilmMarket.address, "latest"],
    });
    if (code === "0x") {
      throw new DeploymentExportError(
        "NO_CODE",
        `FilmMarket ${deployment.contracts.FilmMarket.address} from ignition/deployments/${deployment.deploymentId} has no code on ${connection.networkName}: the chain was reset, ${LOCAL_CHAIN_IDS.includes(chainId) ? "run `npm run deploy:local`" : "deploy again"}.`,
      );
    }
    await saveDeployment(deployment);
    console.log(`Exported ${deployment.module} on chain ${chainId} (${connection.networkName}):`);
    for (const [name, c] of Object.entries(deployment.contracts)) console.log(`  ${name.padEnd(12)} ${c.address}`);
    console.log(`Wrote ${path.join("deployments", `${chainId}.json`)} and deployments/index.ts.`);
  }
} catch (error) {
  if (!(error instanceof DeploymentExportError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await connection.close();
}
