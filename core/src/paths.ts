// Where the platform keeps its files on this machine. Every default data directory hangs off one
// root (AI_FILMS_DATA_DIR, else <project>/.data), so a module never guesses its own location.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository checkout this package lives in (core/src/ → two levels up). */
// String(import.meta.url) keeps bundlers from treating the URL as an asset to copy.
export const PROJECT_ROOT = fileURLToPath(new URL("../../", String(import.meta.url)));

/** The root of every default data directory. */
export function dataRoot(): string {
  const configured = process.env.AI_FILMS_DATA_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(PROJECT_ROOT, ".data");
}

/** A default data directory under the data root, e.g. dataPath("ledger"). */
export function dataPath(...parts: string[]): string {
  return path.join(dataRoot(), ...parts);
}

/** deployments/<chainId>.json files written by the deploy step. */
export const DEPLOYMENTS_DIR = path.join(PROJECT_ROOT, "deployments");
