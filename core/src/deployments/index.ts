/**
 * Deployment records: Hardhat Ignition's record of a deployment turned into `deployments/<chainId>.json`
 * and the generated `deployments/index.ts` that the oracle and the web app read.
 */
export {
  CONTRACT_NAMES, LOCAL_CHAIN_IDS, DeploymentExportError, exportDeployment, readIgnitionDeployment, saveDeployment,
  writeDeploymentsIndex, type ContractName, type ExportedContract, type ExportedDeployment, type ExportOptions,
} from "./export.ts";
